"""Checking a signed PDF handed back to the platform (public /verify): is the platform's
signature intact, and is what it signed exactly the declaration (or Annex 2 summary) as
submitted? Two separate answers, so that the page can say which of the two failed.

Reads only; no state change. The content check compares the fingerprint the signed file
carries (documents/signing.META_KEYS) with the fingerprints recorded at each submission
(DeclarationSubmission), or, for a summary, with the unit's list now.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from smplatform.documents import signing
from smplatform.documents.summary import summary_digest
from smplatform.enums import EDITABLE_STATES
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, DeclarationSubmission, Unit, UnitSubmission

# Content verdicts (PdfVerdict.content).
MATCHES = "matches"  # exactly the declaration (summary) as submitted now
SUPERSEDED = "superseded"  # an earlier submission: the declaration was changed and resubmitted
BEING_REVISED = "being_revised"  # the declaration was returned and may be changing
DIFFERS = "differs"  # the number is known, the content is not what was submitted
UNKNOWN = "unknown"  # no declaration (summary) by that number (unit) on record
NOT_CHECKED = "not_checked"  # the signature does not hold, so its claims prove nothing
SUMMARY_OPEN = "summary_open"  # a summary of a list not (or no longer) submitted


@dataclass
class PdfVerdict:
    signature: signing.SignatureCheck
    content: str
    kind: str | None = None  # "declaration" / "summary"
    declaration: Declaration | None = None
    matched: DeclarationSubmission | None = None
    latest: DeclarationSubmission | None = None
    unit: Unit | None = None
    batch: Batch | None = None
    submission: UnitSubmission | None = None

    @property
    def content_ok(self) -> bool:
        return self.content == MATCHES


def check_pdf(pdf: bytes) -> PdfVerdict:
    """The signature's and the content's verdicts on an uploaded PDF."""
    signature = signing.check(pdf)
    if not signature.valid:
        return PdfVerdict(signature, NOT_CHECKED)
    kind = signature.info.get("SmpKind")
    if kind == "declaration":
        return _declaration_verdict(signature)
    if kind == "summary":
        return _summary_verdict(signature)
    return PdfVerdict(signature, UNKNOWN)


def _declaration_verdict(signature: signing.SignatureCheck) -> PdfVerdict:
    number = signature.info.get("SmpNumber", "")
    digest = signature.info.get("SmpContentSha256", "")
    declaration = db.session.scalar(
        select(Declaration).where(Declaration.electronic_number == number)) if number else None
    if declaration is None:
        return PdfVerdict(signature, UNKNOWN, "declaration")
    submissions = db.session.scalars(
        select(DeclarationSubmission).where(DeclarationSubmission.declaration_id ==
                                            declaration.id)
        .order_by(DeclarationSubmission.seq)).all()
    latest = submissions[-1] if submissions else None
    matched = next((s for s in submissions if s.content_sha256 == digest), None)
    verdict = PdfVerdict(signature, DIFFERS, "declaration", declaration, matched, latest)
    if matched is None:
        return verdict
    if matched is not latest:
        verdict.content = SUPERSEDED
    elif declaration.state in EDITABLE_STATES:
        verdict.content = BEING_REVISED
    else:
        verdict.content = MATCHES
    return verdict


def _summary_verdict(signature: signing.SignatureCheck) -> PdfVerdict:
    from smplatform.services.recommendation import get_submission, recommendations
    unit = db.session.get(Unit, signature.info.get("SmpUnit", ""))
    try:
        number = int(signature.info.get("SmpBatch", ""))
    except ValueError:
        number = None
    batch = db.session.scalar(select(Batch).where(Batch.number == number)) \
        if number is not None else None
    if unit is None or batch is None:
        return PdfVerdict(signature, UNKNOWN, "summary")
    submission = get_submission(batch.id, unit.code)
    verdict = PdfVerdict(signature, DIFFERS, "summary", unit=unit, batch=batch,
                         submission=submission)
    now = summary_digest(batch.number, unit.code, recommendations(batch.id, unit.code))
    if now != signature.info.get("SmpContentSha256"):
        return verdict
    verdict.content = MATCHES if submission is not None and submission.locked \
        else SUMMARY_OPEN
    return verdict
