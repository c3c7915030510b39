"""The decision (遴选决定): shortlist after expert review and inspection, public notice (公示)
with objections, then the published list."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import permissions
from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.ministry.selection_forms import NoticeForm, ObjectionForm
from smplatform.models import Batch, Declaration, Objection
from smplatform.services import DomainError, review_assignments, selection
from smplatform.web import Routes, form_error, load, page, perform

routes = Routes()

S = DeclarationState
SHOWN = (S.EXPERT_PASSED, S.SHORTLISTED, S.NOT_SELECTED, S.PUBLISHED)


def _page(batch, notice_form=None, objection_forms=None, status: int = 200):
    rows = db.session.scalars(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.state.in_([str(s) for s in SHOWN]))
        .order_by(Declaration.category, Declaration.unit_code, Declaration.id)).all()
    by_state = {s.value: [d for d in rows if d.state == s] for s in SHOWN}
    objections = {}
    if rows:
        for o in db.session.scalars(select(Objection).where(
                Objection.declaration_id.in_([d.id for d in rows])).order_by(Objection.id)):
            objections.setdefault(o.declaration_id, []).append(o)
    inspections = {d.id: selection.latest_inspection(d) for d in rows}
    forms = objection_forms or {}
    guidance = selection.notice_guidance(batch)
    if notice_form is None:
        notice_form = NoticeForm(starts_on=guidance.today, ends_on=guidance.earliest_end)
    return page(
        "ministry/decisions.html", status=status, batch=batch, by_state=by_state,
        notice=selection.notice_of(batch), notice_form=notice_form, guidance=guidance,
        objection_forms={d.id: forms.get(d.id) or ObjectionForm(prefix=f"o{d.id}")
                         for d in by_state[S.SHORTLISTED.value]},
        objections=objections, inspections=inspections,
        aggregates=review_assignments.aggregates(rows),
        required={d.id: selection.inspection_required(d) for d in rows},
        today=selection.today())


@routes.get("/batches/<int:batch_id>/decisions")
def decisions(batch_id: int):
    """Who passed the expert review, the shortlist, the public notice and the final list."""
    return _page(load(Batch, batch_id, permissions.can_run_selection))


def _decisions_url(batch_id: int) -> str:
    return url_for("ministry.decisions", batch_id=batch_id)


@routes.post("/declarations/<int:declaration_id>/decision")
def decide(declaration_id: int):
    """Shortlist a declaration that passed the expert review, or decide not to select it."""
    declaration = load(Declaration, declaration_id, permissions.can_run_selection)
    if request.form.get("decision") == "shortlist":
        def action():
            return selection.shortlist(actor=current_user, declaration=declaration)
    else:
        def action():
            return selection.not_shortlist(actor=current_user, declaration=declaration,
                                           comment=request.form.get("comment"))
    return perform(action, done=lambda _result: _("%(name)s: %(state)s.",
                                                  name=declaration.org_name,
                                                  state=declaration.state_enum.label),
                   then=_decisions_url(declaration.batch_id))


@routes.post("/batches/<int:batch_id>/notice")
def notice_start(batch_id: int):
    """Put the shortlist under public notice (公示) for the dates given."""
    batch = load(Batch, batch_id, permissions.can_run_selection)
    form = NoticeForm()

    def refused_page(error: DomainError | None = None):
        if error is not None:
            form_error(form, error, "starts_on")
        return _page(batch, notice_form=form, status=400)
    if not form.validate_on_submit():
        return refused_page()
    return perform(lambda: selection.start_notice(actor=current_user, batch=batch,
                                                  starts_on=form.starts_on.data,
                                                  ends_on=form.ends_on.data),
                   done=_("The shortlist is under public notice."),
                   then=_decisions_url(batch_id), failed=refused_page)


@routes.post("/declarations/<int:declaration_id>/objections")
def objection_record(declaration_id: int):
    """Record an objection received during the notice, its handling and outcome."""
    declaration = load(Declaration, declaration_id, permissions.can_run_selection)
    form = ObjectionForm(prefix=f"o{declaration_id}")

    def refused_page(error: DomainError | None = None):
        if error is not None:
            form_error(form, error, "received_on")
        return _page(declaration.batch, objection_forms={declaration_id: form}, status=400)
    if not form.validate_on_submit():
        return refused_page()
    return perform(lambda: selection.record_objection(
        actor=current_user, declaration=declaration, received_on=form.received_on.data,
        summary=form.summary.data, handling=form.handling.data, outcome=form.outcome.data),
        done=_("Objection recorded."), then=_decisions_url(declaration.batch_id),
        failed=refused_page)


@routes.post("/declarations/<int:declaration_id>/remove-after-notice")
def remove_after_notice(declaration_id: int):
    """Take a shortlisted declaration off the list after an upheld objection."""
    declaration = load(Declaration, declaration_id, permissions.can_run_selection)
    return perform(lambda: selection.remove_after_notice(actor=current_user,
                                                         declaration=declaration),
                   done=_("%(name)s was taken off the shortlist.", name=declaration.org_name),
                   then=_decisions_url(declaration.batch_id))


@routes.post("/batches/<int:batch_id>/publish")
def publish(batch_id: int):
    """Publish the final list once the public notice has ended."""
    batch = load(Batch, batch_id, permissions.can_run_selection, fresh=True)
    return perform(lambda: selection.publish(actor=current_user, batch=batch),
                   done=lambda count: _("The final list of batch %(n)d is published: "
                                        "%(m)d demonstration(s).", n=batch.number, m=count),
                   then=_decisions_url(batch_id))
