"""The ministry's area: batches and quotas, experts, the national dashboard and list, expert
review, inspection, decisions and publication, evaluation, registry corrections. Every route
requires the ministry role (checked before each request); accounts and the audit log belong
to the separated administrators (smplatform/admin)."""
from __future__ import annotations

from smplatform.ministry import (batches, decisions, declarations, documents, evaluation,
                                 experts, inspection, national, objections, overdue,
                                 registry_corrections, review, scoring, submissions)
from smplatform.permissions import is_ministry
from smplatform.web import area, signed_in_as

bp = area("ministry", __name__,
          (batches, experts, evaluation, documents, submissions, declarations,
           decisions, inspection, review, scoring, overdue, registry_corrections, national,
           objections),
          guard=signed_in_as(is_ministry), url_prefix="/ministry")
