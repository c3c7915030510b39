"""Linking a stamped scan to the signed original by its electronic number.

When the applicant uploads the stamped scan, the QR code on the scanned cover is read
(documents/qr_read.py); the link records the number it names and the submission whose
signed PDF was printed. The province's confirmation then refuses a scan whose code names
another declaration, and says when no code could be read (the officer compares by eye).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from smplatform import clock
from smplatform.documents import qr_read
from smplatform.extensions import db
from smplatform.models import DeclarationAttachment, DeclarationSubmission, StampedScanLink
from smplatform.services import storage
from smplatform.services.audit import record, register_labels

# How a scan relates to its declaration (StampedScanLink, for pages and the confirmation).
MATCHES = "matches"
OTHER_NUMBER = "other_number"
UNREADABLE = "unreadable"


def link(*, attachment: DeclarationAttachment, actor) -> StampedScanLink:
    """Read the scan's QR code and link it to the declaration's latest submission.

    Side effects: adds a StampedScanLink; audit entry `declaration.stamped_scan_link` with
    the number read (or none) and whether it matches.
    """
    declaration = attachment.declaration
    stored = attachment.stored_file
    numbers = qr_read.numbers_in_scan(storage.read(stored),
                                      stored.content_type)
    number = declaration.electronic_number if declaration.electronic_number in numbers \
        else (numbers[0] if numbers else None)
    latest = db.session.scalar(
        select(DeclarationSubmission).where(
            DeclarationSubmission.declaration_id == declaration.id)
        .order_by(DeclarationSubmission.seq.desc()).limit(1))
    row = StampedScanLink(attachment_id=attachment.id, declaration_id=declaration.id,
                          number_read=number, submission=latest, checked_at=clock.now())
    db.session.add(row)
    db.session.flush()
    record("declaration.stamped_scan_link", actor=actor, obj=declaration,
           unit_code=declaration.unit_code,
           detail={"attachment": attachment.id, "number_read": number,
                   "outcome": outcome(row, declaration),
                   "submission_seq": latest.seq if latest else None})
    return row


def outcome(row: StampedScanLink | None, declaration) -> str:
    if row is None or row.number_read is None:
        return UNREADABLE
    return MATCHES if row.number_read == declaration.electronic_number else OTHER_NUMBER


register_labels({"declaration.stamped_scan_link": _l("Stamped scan linked to the signed form")})
