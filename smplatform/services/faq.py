"""The FAQ of the help pages (常见问题), edited by the ministry."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from smplatform import clock
from smplatform.extensions import db
from smplatform.models import FaqEntry, User
from smplatform.services import DomainError
from smplatform.services.audit import record, register_labels

register_labels({"faq.save": _l("FAQ entry saved"), "faq.delete": _l("FAQ entry deleted")})

AUDIENCES = ("general", "applicant", "province", "expert")


def _clean(values: dict) -> dict:
    out = {key: " ".join((values.get(key) or "").split())
           for key in ("question_zh", "question_en")}
    out |= {key: (values.get(key) or "").replace("\r\n", "\n").strip()
            for key in ("answer_zh", "answer_en")}
    if not out["question_zh"]:
        raise DomainError(_("Write the question in Chinese."), field="question_zh")
    if not out["answer_zh"]:
        raise DomainError(_("Write the answer in Chinese."), field="answer_zh")
    if bool(out["question_en"]) != bool(out["answer_en"]):
        raise DomainError(_("For the English version give both the question and the answer, "
                            "or neither."),
                          field="answer_en" if out["question_en"] else "question_en")
    audience = values.get("audience") or "general"
    if audience not in AUDIENCES:
        raise DomainError(_("Choose who the question is for."), field="audience")
    out["audience"] = audience
    out["position"] = max(0, min(int(values.get("position") or 0), 9999))
    out["published"] = bool(values.get("published"))
    return out


def save(*, actor: User, values: dict, entry: FaqEntry | None = None,
         base_version: int | None = None) -> FaqEntry:
    """Create an entry, or change one (refused when someone else saved since
    `base_version`). Side effects: adds or updates the FaqEntry; audit `faq.save`."""
    clean = _clean(values)
    if entry is None:
        entry = FaqEntry(**clean, updated_by_id=actor.id, updated_at=clock.now())
        db.session.add(entry)
    elif base_version is not None and base_version != entry.version:
        raise DomainError(_("Someone else changed this entry while you were editing it. "
                            "Your changes were not saved: reload it and make them again."),
                          code="conflict")
    for key, value in clean.items():
        setattr(entry, key, value)
    entry.updated_by_id = actor.id
    entry.updated_at = clock.now()
    db.session.flush()
    record("faq.save", actor=actor, obj=entry, detail={"question": entry.question_zh[:100]})
    return entry


def delete(*, actor: User, entry: FaqEntry) -> None:
    """Side effects: deletes the entry; audit `faq.delete`."""
    detail = {"question": entry.question_zh[:100]}
    entry_id = entry.id
    db.session.delete(entry)
    db.session.flush()
    record("faq.delete", actor=actor, object_type="faq_entry", object_id=entry_id,
           detail=detail)


def entries(*, published_only: bool = True) -> list[FaqEntry]:
    query = select(FaqEntry).order_by(FaqEntry.position, FaqEntry.id)
    if published_only:
        query = query.where(FaqEntry.published.is_(True))
    return list(db.session.scalars(query))
