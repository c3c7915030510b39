"""The applicant's area. Every route here requires the applicant role (checked before each
request)."""
from __future__ import annotations

from flask import Blueprint, render_template

from smplatform.enums import Role
from smplatform.permissions import require_role

bp = Blueprint("applicant", __name__, url_prefix="/applicant")
bp.before_request(require_role(Role.APPLICANT))


@bp.get("/")
def dashboard():
    return render_template("applicant/dashboard.html")
from smplatform.applicant import evaluation as _evaluation  # noqa: E402,F401


from smplatform.applicant import attachments, declarations  # noqa: E402,F401  (register routes)


from smplatform.applicant import documents as _documents  # noqa: E402,F401  (PDF routes)
