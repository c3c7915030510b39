"""The applicant's area: declarations, attachments, documents, evaluation filings. Every
route requires the applicant role (checked before each request)."""
from __future__ import annotations

from smplatform.permissions import is_applicant
from smplatform.applicant import (
    attachments,
    colleagues,
    dashboard,
    declarations,
    documents,
    evaluation,
    reuse,
)
from smplatform.web import area, signed_in_as

bp = area("applicant", __name__,
          (dashboard, declarations, attachments, documents, evaluation, reuse, colleagues),
          guard=signed_in_as(is_applicant), url_prefix="/applicant")
