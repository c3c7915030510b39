"""The applicant's declarations: start, fill in section by section (autosave with htmx, plain
Save without JavaScript), preview, submit, withdraw. Attachments are in attachments.py."""
from __future__ import annotations

import json

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from smplatform import clock, faults
from smplatform.applicant.forms import (
    StartDeclarationForm,
    display_value,
    progress,
    raw_from_form,
    section_view,
)
from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import Declaration
from smplatform.permissions import can_edit_declaration, can_view_declaration, is_applicant
from smplatform.rules import annex1
from smplatform.services import declarations as service
from smplatform.services import prefecture
from smplatform.services.attachments import kinds_for, label_of
from smplatform.services.deadlines import applicant_deadline, declaration_deadline, open_batch
from smplatform.web import Loader, Routes, allow, go, is_htmx, load, page, perform

routes = Routes()


def countdown(deadline):
    """(days, hours) left until a deadline, or None when it has passed."""
    left = deadline - clock.now()
    if left.total_seconds() < 0:
        return None
    return left.days, left.seconds // 3600


@routes.context_processor
def _panel():
    def declarations_panel():
        org = current_user.organisation
        rows = db.session.scalars(select(Declaration).where(
            Declaration.organisation_id == org.id).order_by(Declaration.id)).all()
        batch = open_batch()
        deadline = applicant_deadline(batch, org.unit_code) if batch else None
        return {"rows": rows, "batch": batch, "deadline": deadline,
                "left": countdown(deadline) if deadline else None}
    return {"declarations_panel": declarations_panel, "countdown": countdown,
            "display_value": display_value, "attachment_label": label_of}


@routes.route("/declarations/new", methods=["GET", "POST"])
def declaration_new():
    """The eligibility step: category and class, the four common conditions, then start."""
    allow(is_applicant)
    batch = open_batch()
    form = StartDeclarationForm(current_user.organisation.org_type)
    if batch is None:
        return _new_page(form, batch, _("No batch is open for declarations now."))
    if form.validate_on_submit():
        return perform(
            lambda: service.start(
                actor=current_user, batch=batch, category=form.category.data,
                klass=form.klass.data or None, service_model=form.service_model.data or None,
                attested=form.attested(),
                launch_date=form.launch_date.data.isoformat() if form.launch_date.data
                else None),
            done=_("Declaration started. Fill in each section; your entries are saved as you "
                   "type."),
            then=lambda declaration: url_for("applicant.declaration",
                                             declaration_id=declaration.id),
            failed=lambda error: _new_page(form, batch, error.message))
    return _new_page(form, batch)


def _new_page(form, batch, error: str | None = None):
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return page("applicant/declaration_new.html", status=status, form=form, batch=batch,
                error=error)


def _overview(declaration, *, error=None, status=200):
    definition = annex1.definition(declaration.category)
    return page(
        "applicant/declaration.html", status=status, d=declaration, definition=definition,
        progress=progress(definition, declaration.data), missing=service.missing(declaration),
        deadline=declaration_deadline(declaration),
        returned=service.last_return(declaration), kinds=kinds_for(declaration),
        to_city=prefecture.goes_to_city(declaration), error=error)


def _overview_url(declaration) -> str:
    return url_for("applicant.declaration", declaration_id=declaration.id)


@routes.get("/declarations/<int:declaration_id>")
def declaration(declaration_id: int):
    return _overview(load(Declaration, declaration_id, can_view_declaration))


@routes.get("/declarations/<int:declaration_id>/preview")
def declaration_preview(declaration_id: int):
    d = load(Declaration, declaration_id, can_view_declaration)
    definition = annex1.definition(d.category)
    return page("applicant/declaration_preview.html", d=d, definition=definition,
                sections=[(s, section_view(s, d.data)) for s in definition.sections])


def _section_or_404(definition, key):
    try:
        return definition.section(key)
    except StopIteration:
        abort(404)


def _render_section(d, section, *, errors=None, raw=None, result=None, status=200):
    definition = annex1.definition(d.category)
    returned = service.last_return(d) if d.state == DeclarationState.RETURNED else None
    comment = (returned.section_comments or {}).get(section.key) if returned else None
    return page(
        "applicant/declaration_section.html", status=status, d=d, definition=definition,
        section=section, items=section_view(section, d.data, errors, raw), result=result,
        progress=progress(definition, d.data), section_comment=comment,
        low_share=d.low_service_share)


# A section's declaration with its form values and its batch (whose deadline is checked).
SECTION_DECLARATION = Loader(Declaration, joinedload(Declaration.content),
                             joinedload(Declaration.batch))


@routes.route("/declarations/<int:declaration_id>/sections/<key>", methods=["GET", "POST"])
def declaration_section(declaration_id: int, key: str):
    """A section of the form. POST saves it: htmx autosave answers with the save status (and
    out-of-band field errors, totals, progress); without JavaScript the page re-renders."""
    d = load(SECTION_DECLARATION, declaration_id, can_view_declaration)
    definition = annex1.definition(d.category)
    section = _section_or_404(definition, key)
    if request.method == "GET":
        if not can_edit_declaration(current_user, d):
            return redirect(url_for("applicant.declaration_preview", declaration_id=d.id))
        return _render_section(d, section)
    allow(can_edit_declaration, d)
    resolving = request.form.get("resolve") == "1"
    # Autosave (static/js/declaration.js) sends only the fields changed since the last save and
    # names them in `fields`; the Save button and the no-JavaScript form send the whole section.
    posted = set(request.form.getlist("fields")) or None
    raw = _resolution(section) if resolving else raw_from_form(section, request.form, posted)
    base = request.form.get("version", type=int)
    if base is None:
        abort(400)
    section_url = url_for("applicant.declaration_section", declaration_id=d.id, key=key)

    def save():
        return service.save_section(declaration=d, actor=current_user, section_key=key,
                                    raw=raw, base_version=base)
    if resolving:
        return perform(save, done=_("Your choices were saved."),
                       then=lambda _result: go(section_url), failed=_overview_url(d))
    progress_before = progress(definition, d.data) if is_htmx() else None

    def status_answer(result):
        """Autosave's answer, from the objects as saved (not read again after the commit,
        which is made first: the write lock is held as briefly as possible)."""
        progress_after = progress(definition, d.data)
        return page(
            "applicant/_save_status.html", d=d, section=section, result=result,
            items=section_view(section, d.data, result.errors, raw), posted=posted,
            progress=progress_after, progress_changed=progress_after != progress_before,
            definition=definition, saved_at=clock.now())

    def refused_values(result):
        if result.errors or result.conflicts:
            return _render_section(d, section, errors=result.errors, raw=raw, result=result,
                                   status=409 if result.conflicts else 400)
        return section_url
    return perform(save, expire=False, answer=status_answer,
                   done=lambda result: None if result.errors or result.conflicts
                   else _("Section saved."),
                   then=refused_values, failed=_overview_url(d))
def _resolution(section) -> dict:
    """From the conflict panel: the user's value for each field where they chose theirs
    ("yours" in the panel); fields where they chose the stored value are left alone."""
    raw = {}
    for f in section.fields():
        if request.form.get(f"choice-{f.name}") == "yours":
            try:
                raw[f.name] = json.loads(request.form.get(f"yours-{f.name}", '""'))
            except ValueError:
                abort(400)
    return raw


@routes.post("/declarations/<int:declaration_id>/submit")
def declaration_submit(declaration_id: int):
    """Submit or resubmit. Refusals (incomplete, past the deadline, already submitted)
    re-render the overview with the reason and change nothing."""
    d = load(Declaration, declaration_id, can_view_declaration)
    base = request.form.get("version", type=int)
    if base is None:
        abort(400)

    def submit():
        service.submit(declaration=d, actor=current_user, base_version=base)
        faults.pause("submit.before_commit")  # the reliability tests' fault point
    return perform(submit,
                   done=lambda _result: _submitted_message(d),
                   then=_overview_url(d),
                   failed=lambda error: _overview(d, error=error.message, status=409))


def _submitted_message(d) -> str:
    """Where the submission went: the city's initial review or the provincial department."""
    if d.state == DeclarationState.CITY_REVIEW:
        return _("Submitted to your city's industry and IT department for its initial review. "
                 "Electronic number: %(number)s.", number=d.electronic_number)
    return _("Submitted to the provincial department. Electronic number: %(number)s.",
             number=d.electronic_number)


@routes.post("/declarations/<int:declaration_id>/withdraw")
def declaration_withdraw(declaration_id: int):
    d = load(Declaration, declaration_id, can_view_declaration)
    return perform(lambda: service.withdraw(declaration=d, actor=current_user),
                   done=_("Withdrawn. The declaration is a draft again; submit it again before "
                          "the deadline."),
                   then=_overview_url(d),
                   failed=lambda error: _overview(d, error=error.message, status=409))
