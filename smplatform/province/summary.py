"""Annex 2: preview, Excel and PDF downloads, the stamped scan, and the submission to MIIT."""
from __future__ import annotations

from flask import make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from smplatform import clock
from smplatform.documents import signing
from smplatform.documents import summary as annex2
from smplatform.extensions import db
from smplatform.models import City
from smplatform.permissions import is_province
from smplatform.services import recommendation, storage
from smplatform.services import review as review_service
from smplatform.web import Routes, allow, found, lang, page, perform

routes = Routes()


def _summary_context(batch) -> dict:
    language = lang()
    unit = current_user.unit
    items = recommendation.recommendations(batch.id, unit.code, with_content=True)
    codes = {r.declaration.city_code for r in items if r.declaration.city_code}
    cities = {c.code: c.name for c in db.session.scalars(
        select(City).where(City.code.in_(codes)))} if codes else {}
    return {"batch": batch, "unit": unit, "items": items,
            "columns": [(key, annex2.pick((zh, en), language)) for key, zh, en in annex2.COLUMNS],
            "rows": annex2.build_rows(items, lang=language, city_names=cities),
            "totals": annex2.totals(items, lang=language),
            "title": annex2.pick(annex2.TITLE, language),
            "seal": annex2.pick(annex2.SEAL, language),
            "total_label": annex2.pick(annex2.TOTAL, language),
            "today": clock.china(clock.now()),
            "submission": recommendation.get_submission(batch.id, unit.code)}


@routes.get("/summary")
def summary():
    """Preview of Annex 2, downloads, the stamped scan upload and the submit button."""
    allow(is_province)
    return _summary_page(found(review_service.current_batch()))


def _summary_page(batch, error: str | None = None, status: int = 200):
    context = _summary_context(batch)
    unconfirmed = [r for r in context["items"] if r.declaration.stamped_confirmed_at is None]
    return page("province/summary.html", status=status, error=error, unconfirmed=unconfirmed,
                **context)


@routes.get("/summary.xlsx")
def summary_xlsx():
    allow(is_province)
    batch = found(review_service.current_batch())
    c = _summary_context(batch)
    content = annex2.to_xlsx(unit_name=c["unit"].name, date=c["today"], rows=c["rows"],
                             totals_=c["totals"], lang=lang())
    response = make_response(content)
    response.headers["Content-Type"] = storage.KINDS["xlsx"][0]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="annex2-{c["unit"].code}.xlsx"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


@routes.get("/summary.pdf")
def summary_pdf():
    allow(is_province)
    batch = found(review_service.current_batch())
    context = _summary_context(batch)
    html = render_template("province/summary_pdf.html", **context)
    try:
        pdf = annex2.to_pdf(html, info=annex2.signed_info(batch.number, context["unit"].code,
                                                          context["items"]))
    except signing.SigningUnavailable as error:
        return signing.unavailable_answer(error)
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="annex2-{current_user.unit_code}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


@routes.post("/summary/scan")
def summary_upload():
    allow(is_province)
    batch = found(review_service.current_batch())
    upload = request.files.get("scan")
    if upload is None or not upload.filename:
        return _summary_page(batch, error=_("Choose the scan of the stamped summary."),
                             status=422)
    return perform(
        lambda: recommendation.upload_summary(actor=current_user, batch=batch,
                                              unit_code=current_user.unit_code,
                                              stream=upload.stream, filename=upload.filename),
        done=_("The stamped summary was uploaded."), then=url_for("province.summary"),
        status=303, failed=lambda error: _summary_page(batch, error=error.message, status=422))


@routes.get("/summary/scan")
def summary_scan():
    allow(is_province)
    batch = found(review_service.current_batch())
    submission = recommendation.get_submission(batch.id, current_user.unit_code)
    return storage.send(found(submission and submission.summary_file))


@routes.post("/submit")
def submit():
    allow(is_province)
    batch = found(review_service.current_batch())
    return perform(
        lambda: recommendation.submit(actor=current_user, batch=batch,
                                      unit_code=current_user.unit_code),
        done=_("Submitted to the ministry. The list is locked."),
        then=url_for("province.summary"), status=303,
        failed=lambda error: _summary_page(batch, error=error.message, status=409))
