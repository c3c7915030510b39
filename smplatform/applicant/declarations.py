"""The applicant's declarations: start, fill in section by section (autosave with htmx, plain
Save without JavaScript), preview, submit, withdraw. Attachments are in attachments.py."""
from __future__ import annotations

import json

from flask import abort, flash, make_response, redirect, render_template, request, url_for
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
from smplatform.permissions import (
    can_edit_declaration,
    can_submit_declaration,
    can_view_declaration,
    can_withdraw_declaration,
    get_or_404,
)
from smplatform.rules import annex1
from smplatform.services import DomainError
from smplatform.services import declarations as service
from smplatform.services.attachments import kinds_for, label_of
from smplatform.services.deadlines import applicant_deadline, declaration_deadline, open_batch
from smplatform.web import Routes

routes = Routes()


def _htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def _vary(response):
    response = make_response(response)
    response.headers["Vary"] = "HX-Request"
    return response


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
    org = current_user.organisation
    batch = open_batch()
    form = StartDeclarationForm(org.org_type)
    error = None
    if batch is None:
        error = _("No batch is open for declarations now.")
    elif form.validate_on_submit():
        try:
            declaration = service.start(
                actor=current_user, batch=batch, category=form.category.data,
                klass=form.klass.data or None, service_model=form.service_model.data or None,
                attested=form.attested(),
                launch_date=form.launch_date.data.isoformat() if form.launch_date.data
                else None)
        except DomainError as e:
            db.session.rollback()
            error = e.message
        else:
            db.session.commit()
            flash(_("Declaration started. Fill in each section; your entries are saved as you "
                    "type."), "success")
            return redirect(url_for("applicant.declaration", declaration_id=declaration.id))
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render_template("applicant/declaration_new.html", form=form, batch=batch,
                           error=error), status


def _overview(declaration, *, error=None, status=200):
    definition = annex1.definition(declaration.category)
    return render_template(
        "applicant/declaration.html", d=declaration, definition=definition,
        progress=progress(definition, declaration.data), missing=service.missing(declaration),
        deadline=declaration_deadline(declaration),
        returned=service.last_return(declaration), kinds=kinds_for(declaration),
        error=error), status


@routes.get("/declarations/<int:declaration_id>")
def declaration(declaration_id: int):
    return _overview(get_or_404(Declaration, declaration_id, can_view_declaration))


@routes.get("/declarations/<int:declaration_id>/preview")
def declaration_preview(declaration_id: int):
    d = get_or_404(Declaration, declaration_id, can_view_declaration)
    definition = annex1.definition(d.category)
    return render_template("applicant/declaration_preview.html", d=d, definition=definition,
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
    return render_template(
        "applicant/declaration_section.html", d=d, definition=definition, section=section,
        items=section_view(section, d.data, errors, raw), result=result,
        progress=progress(definition, d.data), section_comment=comment,
        low_share=d.low_service_share), status


@routes.route("/declarations/<int:declaration_id>/sections/<key>", methods=["GET", "POST"])
def declaration_section(declaration_id: int, key: str):
    """A section of the form. POST saves it: htmx autosave answers with the save status (and
    out-of-band field errors, totals, progress); without JavaScript the page re-renders."""
    d = get_or_404(Declaration, declaration_id, can_view_declaration,
                   options=[joinedload(Declaration.content)])
    definition = annex1.definition(d.category)
    section = _section_or_404(definition, key)
    if request.method == "GET":
        if not can_edit_declaration(current_user, d):
            return redirect(url_for("applicant.declaration_preview", declaration_id=d.id))
        return _vary(_render_section(d, section))
    if not can_edit_declaration(current_user, d):
        abort(403)
    resolving = request.form.get("resolve") == "1"
    # Autosave (static/js/declaration.js) sends only the fields changed since the last save and
    # names them in `fields`; the Save button and the no-JavaScript form send the whole section.
    posted = set(request.form.getlist("fields")) or None
    raw = _resolution(section) if resolving else raw_from_form(section, request.form, posted)
    try:
        base = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    answer_inline = _htmx() and not resolving  # autosave: the save status, not a page
    progress_before = progress(definition, d.data) if answer_inline else None
    try:
        result = service.save_section(declaration=d, actor=current_user, section_key=key,
                                      raw=raw, base_version=base)
    except DomainError as e:
        db.session.rollback()
        flash(e.message, "error")
        return redirect(url_for("applicant.declaration", declaration_id=d.id))
    if answer_inline:
        # Commit first (the write lock is held as briefly as possible), then answer from the
        # objects as saved, without reloading them.
        db.session().expire_on_commit = False  # this request's session only
        db.session.commit()
        progress_after = progress(definition, d.data)
        return _vary(render_template(
            "applicant/_save_status.html", d=d, section=section, result=result,
            items=section_view(section, d.data, result.errors, raw), posted=posted,
            progress=progress_after, progress_changed=progress_after != progress_before,
            definition=definition, saved_at=clock.now()))
    db.session.commit()
    if resolving:
        flash(_("Your choices were saved."), "success")
        if _htmx():
            response = make_response("")
            response.headers["HX-Redirect"] = url_for("applicant.declaration_section",
                                                      declaration_id=d.id, key=key)
            return response
        return redirect(url_for("applicant.declaration_section", declaration_id=d.id, key=key))
    if result.errors or result.conflicts:
        return _vary(_render_section(d, section, errors=result.errors, raw=raw, result=result,
                                     status=409 if result.conflicts else 400))
    flash(_("Section saved."), "success")
    return redirect(url_for("applicant.declaration_section", declaration_id=d.id, key=key))


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
    d = get_or_404(Declaration, declaration_id, can_view_declaration)
    if d.organisation_id != current_user.organisation_id:
        abort(403)
    try:
        base = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    if not can_submit_declaration(current_user, d):
        return _overview(d, error=service._already_message(d), status=409)
    try:
        service.submit(declaration=d, actor=current_user, base_version=base)
    except DomainError as e:
        db.session.rollback()
        d = db.session.get(Declaration, declaration_id)
        return _overview(d, error=e.message, status=409)
    faults.pause("submit.before_commit")
    db.session.commit()
    flash(_("Submitted to the provincial department. Electronic number: %(number)s.",
            number=d.electronic_number), "success")
    return redirect(url_for("applicant.declaration", declaration_id=d.id))


@routes.post("/declarations/<int:declaration_id>/withdraw")
def declaration_withdraw(declaration_id: int):
    d = get_or_404(Declaration, declaration_id, can_view_declaration)
    if d.organisation_id != current_user.organisation_id:
        abort(403)
    if not can_withdraw_declaration(current_user, d):
        return _overview(d, error=_("The declaration can no longer be withdrawn."),
                         status=409)
    try:
        service.withdraw(declaration=d, actor=current_user)
    except DomainError as e:
        db.session.rollback()
        return _overview(db.session.get(Declaration, declaration_id), error=e.message,
                         status=409)
    db.session.commit()
    flash(_("Withdrawn. The declaration is a draft again; submit it again before the "
            "deadline."), "success")
    return redirect(url_for("applicant.declaration", declaration_id=d.id))
