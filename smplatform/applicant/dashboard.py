"""The applicant's dashboard: its declarations, the open batch's deadline, evaluations."""
from __future__ import annotations

from smplatform.permissions import is_applicant
from smplatform.web import Routes, allow, page

routes = Routes()


@routes.get("/")
def dashboard():
    allow(is_applicant)
    return page("applicant/dashboard.html")
