"""Help (帮助): a page per role, in the order of its work and with the open batch's
deadlines, and the FAQ the ministry edits."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from smplatform import help_topics
from smplatform.permissions import can_view_public
from smplatform.services import faq as faq_service
from smplatform.services.review import current_batch
from smplatform.web import Routes, allow, lang, page

routes = Routes()


@routes.get("/help")
def help_index():
    allow(can_view_public)
    return page("public/help/index.html", roles=help_topics.ROLES)


@routes.get("/help/faq")
def faq():
    allow(can_view_public)
    entries = faq_service.entries()
    groups = [(key, label, [e for e in entries if e.audience == key])
              for key, label in help_topics.AUDIENCES]
    return page("public/help/faq.html", groups=[g for g in groups if g[2]], lang=lang(),
                roles=help_topics.ROLES)


@routes.get("/help/<role>")
def help_role(role: str):
    """What a role does, in order, with the open batch's deadlines (and, for a signed-in
    applicant or officer, its unit's own deadline)."""
    allow(can_view_public)
    if role not in help_topics.ROLES:
        abort(404)
    batch = current_batch()
    return page(f"public/help/{role}.html", role=role, roles=help_topics.ROLES, batch=batch,
                unit_deadline=help_topics.unit_deadline(current_user, batch))
