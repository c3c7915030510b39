"""The expert's area. Every route here requires the expert role (checked before each request)."""
from __future__ import annotations

from flask import Blueprint

from smplatform.enums import Role
from smplatform.permissions import require_role

bp = Blueprint("expert", __name__, url_prefix="/expert")
bp.before_request(require_role(Role.EXPERT))


from smplatform.expert import reviews  # noqa: E402,F401  (the dashboard and reviews)
