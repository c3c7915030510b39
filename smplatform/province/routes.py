"""The province's area. Every route here requires the province role (checked before each request)."""
from __future__ import annotations

from flask import Blueprint, render_template

from smplatform.enums import Role
from smplatform.permissions import require_role

bp = Blueprint("province", __name__, url_prefix="/province")
bp.before_request(require_role(Role.PROVINCE))


@bp.get("/")
def dashboard():
    return render_template("province/dashboard.html")
from smplatform.province import evaluation as _evaluation  # noqa: E402,F401


from smplatform.province import documents as _documents  # noqa: E402,F401  (PDF routes)
