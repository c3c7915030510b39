"""The expert's area: only its own review assignments. Every route requires the expert role
(checked before each request)."""
from __future__ import annotations

from smplatform.permissions import is_expert
from smplatform.expert import reviews
from smplatform.web import area, signed_in_as

bp = area("expert", __name__, (reviews,), guard=signed_in_as(is_expert), url_prefix="/expert")
