"""Data for the national tests: a declaration with one attached file."""
from __future__ import annotations

from datetime import datetime, UTC

from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import DeclarationAttachment, LiaisonContact, Recommendation, UnitSubmission
from smplatform.services import storage
from tests.support.declarations import pdf_bytes
from tests.support import selection as helpers

T0 = datetime(2023, 6, 1, tzinfo=UTC)


def with_attachment(batch, unit: str = "440000", *,
                    state: DeclarationState = DeclarationState.FORWARDED, text: str = "x",
                    number: str | None = None):
    """A declaration of `unit` in `state` with one PDF attachment; returns (declaration,
    attachment, the file's bytes)."""
    d = helpers.declaration(batch, unit, state=state, commit=False)
    if number:
        d.electronic_number = number
    content = pdf_bytes(text)
    stored = storage.save_bytes(content, f"evidence-{d.id}.pdf", allowed=storage.SCAN_KINDS)
    db.session.flush()
    a = DeclarationAttachment(declaration_id=d.id, stored_file_id=stored.id, kind="evidence",
                              created_at=T0)
    db.session.add(a)
    db.session.commit()
    return d, a, content


def contact(batch, unit):
    db.session.add(LiaisonContact(batch_id=batch.id, unit_code=unit, name="王五", title="处长",
                                  phone="010-12345678", email="ww@example.com", created_at=T0))


def recommend(d, rank=1):
    db.session.add(Recommendation(batch_id=d.batch_id, unit_code=d.unit_code,
                                  declaration_id=d.id, line="enterprise", rank=rank,
                                  created_at=T0))


def submission(batch, unit, state):
    db.session.add(UnitSubmission(batch_id=batch.id, unit_code=unit, state=state,
                                  submitted_at=T0 if state == "submitted" else None))
