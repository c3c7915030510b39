"""Batch administration (批次管理): batches, their dates, opening and closing, quota tables."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from smplatform import clock, permissions
from smplatform.extensions import db
from smplatform.ministry.batch_forms import BatchForm, QuotaForm, quota_field_name
from smplatform.models import Batch
from smplatform.services import DomainError
from smplatform.services import batches as batch_service
from smplatform.web import Routes, allow, form_error, load, page, perform

routes = Routes()


def _load(batch_id: int, *, fresh: bool = False) -> Batch:
    """The batch; `fresh`: a sensitive action (opening or closing it, its quotas), which
    needs a recent proof of identity (web.require_fresh_sign_in)."""
    return load(Batch, batch_id, permissions.can_manage_batches, fresh=fresh)


def _quota_form(batch: Batch) -> QuotaForm:
    if request.method == "POST":
        return QuotaForm()
    table = batch_service.quota_table(batch)
    return QuotaForm(data={quota_field_name(g, line): limit
                           for g, lines in table.items() for line, limit in lines.items()})


@routes.get("/batches")
def batches():
    """Every batch, newest first, with its status and deadlines."""
    allow(permissions.can_manage_batches)
    rows = db.session.scalars(select(Batch).order_by(Batch.number.desc())).all()
    return page("ministry/batches.html", batches=rows)


def _batch_form_page(form: BatchForm, batch: Batch | None, error: DomainError | None = None):
    if error is not None:
        form_error(form, error)
    return page("ministry/batch_form.html", form=form, batch=batch)


@routes.route("/batches/new", methods=["GET", "POST"])
def batch_new():
    """Create a batch: it starts not yet open, with the notice's default quota table."""
    allow(permissions.can_manage_batches)
    form = BatchForm()
    if request.method == "GET":
        form.number.data = (db.session.scalar(select(func.max(Batch.number))) or 0) + 1
        form.year.data = clock.china(clock.now()).year
    if form.validate_on_submit():
        return perform(
            lambda: batch_service.create_batch(actor=current_user, **form.values()),
            done=lambda batch: _("Batch %(n)d created. It is not open yet.", n=batch.number),
            then=lambda batch: url_for("ministry.batch", batch_id=batch.id),
            failed=lambda error: _batch_form_page(form, None, error))
    return _batch_form_page(form, None)


@routes.get("/batches/<int:batch_id>")
def batch(batch_id: int):
    """A batch: its dates, its status with the open/close action, and its quota table."""
    batch = _load(batch_id)
    return page("ministry/batch.html", batch=batch, quota_form=_quota_form(batch))


@routes.route("/batches/<int:batch_id>/edit", methods=["GET", "POST"])
def batch_edit(batch_id: int):
    """Change a batch's number, year, name and dates (each change is audited)."""
    batch = _load(batch_id)
    form = BatchForm(obj=batch)
    if form.validate_on_submit():
        return perform(
            lambda: batch_service.update_batch(actor=current_user, batch=batch, **form.values()),
            done=lambda changes: _("Batch %(n)d saved.", n=batch.number) if changes
            else (_("Nothing was changed."), "info"),
            then=url_for("ministry.batch", batch_id=batch.id),
            failed=lambda error: _batch_form_page(form, batch, error))
    return _batch_form_page(form, batch)


@routes.post("/batches/<int:batch_id>/open")
def batch_open(batch_id: int):
    """Open a batch for declarations; refused while another batch is open."""
    batch = _load(batch_id, fresh=True)
    return perform(lambda: batch_service.open_batch(actor=current_user, batch=batch),
                   done=_("Batch %(n)d is now open.", n=batch.number),
                   then=url_for("ministry.batch", batch_id=batch_id))


@routes.post("/batches/<int:batch_id>/close")
def batch_close(batch_id: int):
    """Close an open batch."""
    batch = _load(batch_id, fresh=True)
    return perform(lambda: batch_service.close_batch(actor=current_user, batch=batch),
                   done=_("Batch %(n)d is now closed.", n=batch.number),
                   then=url_for("ministry.batch", batch_id=batch_id))


def _quota_page(batch: Batch, form: QuotaForm, error: DomainError | None = None,
                saved: str | None = None):
    """The batch page, or (htmx) its quota table alone."""
    if error is not None:
        form_error(form, error)
    return page("ministry/batch.html", fragment="ministry/_quota_table.html", batch=batch,
                quota_form=form, saved=saved)


def _quotas_saved(changes) -> str:
    return (_("Quota table saved: %(n)d line(s) changed.", n=len(changes)) if changes
            else _("Nothing was changed."))


@routes.post("/batches/<int:batch_id>/quotas")
def batch_quotas(batch_id: int):
    """Save the batch's quota table. An htmx request gets the table partial back."""
    batch = _load(batch_id, fresh=True)
    form = _quota_form(batch)
    if form.validate_on_submit():
        return perform(
            lambda: batch_service.set_quotas(actor=current_user, batch=batch,
                                             limits=form.limits()),
            done=_quotas_saved, then=url_for("ministry.batch", batch_id=batch.id),
            answer=lambda changes: _quota_page(batch, form, saved=_quotas_saved(changes)),
            failed=lambda error: _quota_page(batch, form, error))
    return _quota_page(batch, form)
