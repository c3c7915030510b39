"""Which help section explains which page: each page of the applicant's, the officer's, the
ministry's and the expert's way links to its section of /help/<role> (base.html asks
`page_help()`). A test checks that every such page has one."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from smplatform import permissions

ROLES = {"applicant": _l("Applicants"), "city": _l("City departments"),
         "province": _l("Provincial departments"), "ministry": _l("Ministry"),
         "expert": _l("Experts")}
AUDIENCES = [("general", _l("For everyone")), ("applicant", _l("For applicants")),
             ("province", _l("For provincial departments")), ("expert", _l("For experts"))]

# endpoint → (role, section id on that role's help page)
PAGE_HELP = {
    "auth.register": ("applicant", "register"),
    "applicant.dashboard": ("applicant", "overview"),
    "applicant.colleagues": ("applicant", "accounts"),
    "applicant.declaration_new": ("applicant", "start"),
    "applicant.declaration": ("applicant", "fill"),
    "applicant.declaration_section": ("applicant", "fill"),
    "applicant.declaration_preview": ("applicant", "submit"),
    "applicant.evaluations_list": ("applicant", "evaluation"),
    "applicant.evaluation": ("applicant", "evaluation"),
    "province.dashboard": ("province", "overview"),
    "province.contacts": ("province", "contacts"),
    "province.extensions": ("province", "extensions"),
    "province.prefecture_review": ("province", "prefecture"),
    "city.dashboard": ("city", "queue"),
    "city.declaration": ("city", "review"),
    "province.queue": ("province", "review"),
    "province.declaration": ("province", "review"),
    "province.recommendations": ("province", "recommend"),
    "province.summary": ("province", "summary"),
    "province.evaluations_list": ("province", "evaluation"),
    "province.evaluation": ("province", "evaluation"),
    "expert.dashboard": ("expert", "reviews"),
    "expert.review": ("expert", "score"),
    "ministry.dashboard": ("ministry", "overview"),
    "ministry.batches": ("ministry", "batches"),
    "ministry.batch": ("ministry", "batches"),
    "ministry.declarations": ("ministry", "declarations"),
    "ministry.review": ("ministry", "review"),
    "ministry.experts": ("ministry", "experts"),
    "ministry.expert_edit": ("ministry", "experts"),
    "ministry.decisions": ("ministry", "decisions"),
    "ministry.evaluations_overview": ("ministry", "evaluation"),
    "publishing.announcements_list": ("ministry", "notices"),
    "publishing.announcement_new": ("ministry", "notices"),
    "publishing.announcement_edit": ("ministry", "notices"),
}


def help_url(endpoint: str | None) -> str | None:
    topic = PAGE_HELP.get(endpoint or "")
    if topic is None:
        return None
    role, section = topic
    return url_for("public.help_role", role=role, _anchor=section)


def page_help() -> str | None:
    """The help section of the page being shown, if it has one."""
    return help_url(request.endpoint)


def unit_deadline(user, batch):
    """A signed-in applicant's or officer's own unit's deadline for applicants in `batch`
    (None when there is no batch, or the user has no unit)."""
    if batch is None:
        return None
    unit_code = None
    if permissions.is_applicant(user) and user.organisation is not None:
        unit_code = user.organisation.unit_code
    elif permissions.is_province(user):
        unit_code = user.unit_code
    if not unit_code:
        return None
    from smplatform.services.deadlines import applicant_deadline
    return applicant_deadline(batch, unit_code)


def init_app(app) -> None:
    app.jinja_env.globals["page_help"] = page_help
