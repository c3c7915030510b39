"""Batch administration (批次管理): batches, their dates, opening and closing, quota tables."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from smplatform import clock, permissions
from smplatform.extensions import db
from smplatform.ministry.batch_forms import BatchForm, QuotaForm, quota_field_name
from smplatform.models import Batch
from smplatform.services import DomainError
from smplatform.services import batches as batch_service
from smplatform.web import Routes, allow

routes = Routes()


def _load(batch_id: int) -> Batch:
    return permissions.get_or_404(Batch, batch_id,
                                  lambda user, _batch: permissions.can_manage_batches(user))


def _form_error(form, error: DomainError) -> None:
    target = getattr(form, error.field, None) if error.field else None
    if target is None:
        form.form_errors.append(error.message)
    else:
        target.errors = list(target.errors) + [error.message]


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
    return render_template("ministry/batches.html", batches=rows)


@routes.route("/batches/new", methods=["GET", "POST"])
def batch_new():
    """Create a batch: it starts not yet open, with the notice's default quota table."""
    allow(permissions.can_manage_batches)
    form = BatchForm()
    if request.method == "GET":
        form.number.data = (db.session.scalar(select(func.max(Batch.number))) or 0) + 1
        form.year.data = clock.china(clock.now()).year
    if form.validate_on_submit():
        try:
            batch = batch_service.create_batch(actor=current_user, **form.values())
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Batch %(n)d created. It is not open yet.", n=batch.number), "success")
            return redirect(url_for("ministry.batch", batch_id=batch.id))
    return render_template("ministry/batch_form.html", form=form, batch=None)


@routes.get("/batches/<int:batch_id>")
def batch(batch_id: int):
    """A batch: its dates, its status with the open/close action, and its quota table."""
    batch = _load(batch_id)
    return render_template("ministry/batch.html", batch=batch, quota_form=_quota_form(batch))


@routes.route("/batches/<int:batch_id>/edit", methods=["GET", "POST"])
def batch_edit(batch_id: int):
    """Change a batch's number, year, name and dates (each change is audited)."""
    batch = _load(batch_id)
    form = BatchForm(obj=batch)
    if form.validate_on_submit():
        try:
            changes = batch_service.update_batch(actor=current_user, batch=batch,
                                                 **form.values())
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            flash(_("Batch %(n)d saved.", n=batch.number) if changes
                  else _("Nothing was changed."), "success" if changes else "info")
            return redirect(url_for("ministry.batch", batch_id=batch.id))
    return render_template("ministry/batch_form.html", form=form, batch=batch)


def _status_action(batch_id: int, action, done_message: str):
    batch = _load(batch_id)
    number = batch.number
    try:
        action(actor=current_user, batch=batch)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done_message % {"n": number}, "success")
    return redirect(url_for("ministry.batch", batch_id=batch_id))


@routes.post("/batches/<int:batch_id>/open")
def batch_open(batch_id: int):
    """Open a batch for declarations; refused while another batch is open."""
    return _status_action(batch_id, batch_service.open_batch, _("Batch %(n)d is now open."))


@routes.post("/batches/<int:batch_id>/close")
def batch_close(batch_id: int):
    """Close an open batch."""
    return _status_action(batch_id, batch_service.close_batch, _("Batch %(n)d is now closed."))


@routes.post("/batches/<int:batch_id>/quotas")
def batch_quotas(batch_id: int):
    """Save the batch's quota table. An htmx request gets the table partial back."""
    batch = _load(batch_id)
    form = _quota_form(batch)
    saved = None
    if form.validate_on_submit():
        try:
            changes = batch_service.set_quotas(actor=current_user, batch=batch,
                                               limits=form.limits())
        except DomainError as error:
            db.session.rollback()
            _form_error(form, error)
        else:
            db.session.commit()
            saved = (_("Quota table saved: %(n)d line(s) changed.", n=len(changes)) if changes
                     else _("Nothing was changed."))
            if not request.headers.get("HX-Request"):
                flash(saved, "success")
                return redirect(url_for("ministry.batch", batch_id=batch.id))
    if request.headers.get("HX-Request"):
        response = make_response(render_template("ministry/_quota_table.html", batch=batch,
                                                 quota_form=form, saved=saved))
    else:
        response = make_response(render_template("ministry/batch.html", batch=batch,
                                                 quota_form=form))
    response.vary.add("HX-Request")
    return response
