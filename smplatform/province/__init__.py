"""The province's area: liaison contacts, the review queue, reviews, recommendations, the
summary, evaluation tasks. Every route requires the province role (checked before each
request)."""
from __future__ import annotations

from smplatform.permissions import is_province
from smplatform.province import (attachments, contacts, corrections, dashboard, documents,
                                 evaluation, extensions, prefecture, queue, recommend, review,
                                 summary)
from smplatform.web import area, signed_in_as

bp = area("province", __name__,
          (dashboard, contacts, queue, review, recommend, summary, evaluation, documents,
           attachments, corrections, extensions, prefecture),
          guard=signed_in_as(is_province), url_prefix="/province")
