"""The audit administrator's audit log: browse and filter it, export what the filter shows
(CSV or XLSX; every export is itself audited)."""
from __future__ import annotations

import csv
import io
import tempfile
from datetime import UTC, datetime, time, timedelta

from flask import abort, request, send_file
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import clock, permissions
from smplatform.admin.forms import AuditFilterForm
from smplatform.documents import declaration_xlsx
from smplatform.extensions import db
from smplatform.models import AuditEntry
from smplatform.rules.spreadsheet import csv_row
from smplatform.services import audit
from smplatform.web import PAGE_SIZE, Routes, allow, page, perform_and_send

routes = Routes()
EXPORT_LIMIT = 200_000


def _filter_form() -> AuditFilterForm:
    """The filter as asked in the address; its actions listed by their names, in the
    reader's language (an address's code prefix, not a name, is listed as it is)."""
    form = AuditFilterForm(request.args)
    names = sorted(((code, audit.action_label(code)) for code in audit.ACTION_LABELS),
                   key=lambda pair: pair[1])
    form.action.choices = [("", _("Any"))] + names
    chosen = (form.action.data or "").strip()
    if chosen and chosen not in audit.ACTION_LABELS:
        form.action.choices.append((chosen, chosen))
    return form


def _filtered(form: AuditFilterForm):
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if not form.validate():
        return query, {}
    filters = {}
    if form.actor.data:
        filters["actor"] = form.actor.data.strip()
        query = query.where(AuditEntry.actor_name == filters["actor"])
    if form.action.data:
        filters["action"] = form.action.data.strip()
        if filters["action"] in audit.ACTION_LABELS:  # one action, chosen by its name
            query = query.where(AuditEntry.action == filters["action"])
        else:  # a code prefix, from the address
            query = query.where(AuditEntry.action.startswith(filters["action"],
                                                             autoescape=True))
    if form.outcome.data:
        filters["outcome"] = form.outcome.data
        query = query.where(AuditEntry.outcome == form.outcome.data)
    if form.ip.data:
        filters["ip"] = form.ip.data.strip()
        query = query.where(AuditEntry.ip == filters["ip"])
    # Dates are China Standard Time days, as the table shows them.
    if form.date_from.data:
        filters["from"] = form.date_from.data.isoformat()
        start = datetime.combine(form.date_from.data, time.min, tzinfo=clock.CHINA)
        query = query.where(AuditEntry.at >= start.astimezone(UTC))
    if form.date_to.data:
        filters["to"] = form.date_to.data.isoformat()
        end = datetime.combine(form.date_to.data + timedelta(days=1), time.min,
                               tzinfo=clock.CHINA)
        query = query.where(AuditEntry.at < end.astimezone(UTC))
    return query, filters


@routes.get("/audit")
def audit_log():
    """Browse and filter the audit log, newest first."""
    allow(permissions.can_view_audit_log)
    form = _filter_form()
    query, _filters = _filtered(form)
    rows = db.paginate(query, per_page=PAGE_SIZE, error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return page("admin/audit_log.html", form=form, page=rows, args=args)


HEADERS = ("seq", "time_cst", "user", "ip", "action", "outcome", "object_type", "object_id",
           "unit", "detail", "hash")


def _rows(query):
    for e in db.session.scalars(query.limit(EXPORT_LIMIT).execution_options(yield_per=1000)):
        detail = "; ".join(f"{k}={v}" for k, v in sorted((e.detail or {}).items()))
        yield (e.seq, clock.china(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name or "",
               e.ip or "", e.action, e.outcome, e.object_type or "", e.object_id or "",
               e.unit_code or "", detail, e.hash or "")


@routes.get("/audit/export.<fmt>")
def audit_export(fmt: str):
    """The filtered log as CSV or XLSX (at most EXPORT_LIMIT entries, newest first)."""
    allow(permissions.can_view_audit_log)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    query, filters = _filtered(_filter_form())
    stamp = clock.china(clock.now()).strftime("%Y%m%d-%H%M")
    name = f"audit-{stamp}.{fmt}"

    def send(_result):
        if fmt == "xlsx":
            out = declaration_xlsx.write(_rows(query), HEADERS, title=_("Audit log"))
            response = send_file(out, as_attachment=True, download_name=name, max_age=0,
                                 mimetype="application/vnd.openxmlformats-officedocument."
                                          "spreadsheetml.sheet")
        else:
            out = tempfile.TemporaryFile()  # written whole, then sent; unlinked on close
            text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
            writer = csv.writer(text)
            writer.writerow(HEADERS)
            writer.writerows(csv_row(row) for row in _rows(query))
            text.flush()
            text.detach()
            out.seek(0)
            response = send_file(out, as_attachment=True, download_name=name, max_age=0,
                                 mimetype="text/csv")
        response.headers["Cache-Control"] = "private, no-store"
        return response

    return perform_and_send(
        lambda: audit.record("audit.export", actor=current_user,
                             detail={"format": fmt, **filters}), send)
