"""Public verification of a printed declaration (申报书核验).

Anyone holding a paper copy types the electronic number and the verification code printed on
every page; the page answers whether they match a submitted declaration, showing only the
organisation's name, the category and the submission date. Unknown numbers and wrong codes get
the same neutral answer, and lookups are rate-limited per address, so that the page cannot be
used to enumerate declarations.

A signed PDF can be checked instead (`/verify/pdf`): the page says separately whether the
platform's signature holds and whether what it signed is the declaration (or the Annex 2
summary) as submitted (services/signed_documents.py). The file is read and not kept.

The lookup is a POST with a CSRF token: the verification code then stays out of URLs, server
logs, browser history and Referer headers. A GET may carry `?number=` (e.g. from a link printed
with the form) to fill in the number; it never looks anything up, so the code must always be
typed by someone who holds the paper.
"""
from __future__ import annotations

import hmac

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import select

from smplatform.enums import EDITABLE_STATES
from smplatform.extensions import db, limiter
from smplatform.models import Declaration
from smplatform.permissions import can_verify_document
from smplatform.public.forms import VerifyForm, VerifyPdfForm
from smplatform.rules.verification import normalise_number
from smplatform.services import signed_documents
from smplatform.web import Routes, allow, page

routes = Routes()

DEFAULT_LIMIT = "30 per minute"
# Compared against when the number is unknown, so both answers take the same time.
_DUMMY_CODE = "XXXXXXXX"


def _verify_limit() -> str:
    return current_app.config.get("RATELIMIT_VERIFY", DEFAULT_LIMIT)


def find_submitted(number: str, code: str) -> Declaration | None:
    """The submitted declaration with this number and code, or None.

    A draft has no number; a declaration returned for revision may be changing, so its
    earlier paper copy is not confirmed either (it matches again once resubmitted).
    """
    declaration = db.session.scalar(
        select(Declaration).where(Declaration.electronic_number == number))
    stored = declaration.verification_code if declaration is not None else None
    matches = hmac.compare_digest((stored or _DUMMY_CODE).encode(), code.encode())
    if declaration is None or not stored or not matches:
        return None
    if declaration.state in EDITABLE_STATES:
        return None
    return declaration


@routes.route("/verify", methods=["GET", "POST"])
@limiter.limit(_verify_limit, methods=["POST"])
def verify():
    """Check an electronic number and verification code against the submitted declarations."""
    allow(can_verify_document)
    form = VerifyForm()
    checked = False
    match = None
    if request.method == "GET" and request.args.get("number"):
        form.number.data = normalise_number(request.args.get("number"))[:40]
    if form.validate_on_submit():
        checked = True
        match = find_submitted(form.number.data, form.code.data)
    return page("public/verify.html", form=form, checked=checked, match=match,
                pdf_form=VerifyPdfForm(formdata=None))


@routes.post("/verify/pdf")
@limiter.limit(_verify_limit)
def verify_pdf():
    """Check a signed PDF: the platform's signature, and that what it signed is the
    declaration (or Annex 2 summary) as submitted. The file is read, not stored."""
    allow(can_verify_document)
    pdf_form = VerifyPdfForm()
    verdict = None
    status = 200
    if pdf_form.validate_on_submit():
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        content = pdf_form.pdf.data.read(limit + 1)
        if len(content) > limit:
            pdf_form.pdf.errors.append(_("The file is larger than %(mb)d MB.",
                                         mb=limit // 2**20))
        else:
            verdict = signed_documents.check_pdf(content)
    if pdf_form.errors:
        status = 422
    return page("public/verify.html", status=status, form=VerifyForm(formdata=None),
                checked=False, match=None, pdf_form=pdf_form, verdict=verdict)
