"""Corrections without loss, the ministry's side: one registry row, corrected with a reason,
its earlier values kept and shown."""
from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from smplatform.models import RegistryEntry
from smplatform.permissions import can_correct_registry_entry
from smplatform.rules.evaluation import DemoCategory
from smplatform.services import registry_corrections as service
from smplatform.web import Routes, load, page, perform

routes = Routes()


def _page(entry: RegistryEntry, values: dict, errors: dict | None = None, status: int = 200):
    labels = {"batch_number": _("Batch"), "year": _("Year"), "category": _("Category"),
              "name": _("Name"), "credit_code": _("Unified social credit code"),
              "unit_code": _("Provincial-level unit code"), "city_code": _("City code"),
              "klass": _("Class or service model")}
    return page("ministry/registry_entry.html", entry=entry, values=values,
                errors=errors or {}, corrections=service.corrections_of(entry),
                categories=DemoCategory, labels=labels, status=status)


@routes.get("/registry/<int:entry_id>")
def registry_entry(entry_id: int):
    """A registry row, the form to correct it, and its earlier corrections."""
    entry = load(RegistryEntry, entry_id, can_correct_registry_entry)
    return _page(entry, service.form_values(entry))


@routes.post("/registry/<int:entry_id>")
def registry_entry_correct(entry_id: int):
    entry = load(RegistryEntry, entry_id, can_correct_registry_entry)
    values = {column: request.form.get(column, "") for column, _attr in service.FIELDS}

    def failed(error):
        return _page(entry, values, {error.field or "reason": error.message}, status=422)

    return perform(
        lambda: service.correct_entry(actor=current_user, entry=entry, values=values,
                                      reason=request.form.get("reason", "")),
        done=lambda c: _("The registry row was corrected; its earlier values are kept below.")
        if c else _("Nothing changed."),
        failed=failed, then=url_for("ministry.registry_entry", entry_id=entry.id))
