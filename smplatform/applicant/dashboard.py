"""The applicant's dashboard: its declarations, the open batch's deadline, evaluations."""
from __future__ import annotations

from flask_login import current_user

from smplatform.permissions import is_applicant
from smplatform.services import announcements
from smplatform.web import Routes, allow, lang, page

routes = Routes()


@routes.get("/")
def dashboard():
    allow(is_applicant)
    org = current_user.organisation
    return page("applicant/dashboard.html", lang=lang(),
                notices=announcements.for_region(org.unit_code if org else None))
