"""The audit log in words: each entry's object and details as labelled rows in the user's
language, with a before → after pair where the entry records a change (a state, a setting,
a batch date). Codes the platform knows are shown by their label; values nobody labelled
(free text, numbers, names) as they are.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from flask_babel import lazy_gettext as _l

from smplatform import clock
from smplatform.enums import (
    BatchStatus,
    Category,
    ChecklistFinding,
    CityClass,
    DeclarationState,
    InspectionConclusion,
    LabelledEnum,
    ObjectionOutcome,
    OrgType,
    PlatformClass,
    QuotaLine,
    QuotaUnitGroup,
    Role,
    ServiceModel,
)
from smplatform.rules import annex1, rubric
from smplatform.rules.evaluation import BusinessStatus, Conclusion, DemoCategory, TaskState
from smplatform.translation import translated
from smplatform.web import lang


@dataclass(frozen=True)
class DetailRow:
    """One line of an entry's details: `value`, or `before` → `value` for a change."""

    label: str
    value: str
    before: str | None = None

    @property
    def changed(self) -> bool:
        return self.before is not None


# What each key of the details means (keys with no label are shown as they are).
KEY_LABELS = {
    "active": _l("Active"), "administrator": _l("Organisation's administrator"),
    "applicant_deadline": _l("Deadline for applicants"),
    "assigned": _l("Reviewers assigned"), "attachment": _l("Attachment"),
    "automatic": _l("Automatic"), "batch": _l("Batch"), "batches": _l("Batches"),
    "category": _l("Category"), "changes": _l("Changes"), "class": _l("Class"),
    "city_deadline": _l("The cities' deadline"), "enabled": _l("City initial review on"),
    "coi_declared_at": _l("No conflict of interest declared at"),
    "conclusion": _l("Conclusion"), "created": _l("Created"),
    "credit_code": _l("Unified social credit code"), "declaration_id": _l("Declaration"),
    "direction": _l("Direction"), "documents": _l("Documents"), "due_at": _l("Due"),
    "ends_on": _l("Notice ends on"), "expert_id": _l("Expert"), "failures": _l("Failed attempts"),
    "fields": _l("Fields"), "file": _l("File"), "file_id": _l("File"),
    "findings": _l("Findings"), "from": _l("From"), "how": _l("How"), "kind": _l("Kind"),
    "language": _l("Language"), "line": _l("Quota line"), "name": _l("Name"),
    "number": _l("Electronic number"), "org_type": _l("Organisation type"),
    "organisation_id": _l("Organisation"), "outcome": _l("Outcome"),
    "per_declaration": _l("Reviewers per declaration"), "planned_on": _l("Inspection date"),
    "published": _l("Published"), "rank": _l("Rank"), "reason": _l("Reason"),
    "received_on": _l("Received on"), "recommended": _l("Recommended"),
    "reference": _l("Reference"), "late": _l("After the deadline"),
    "number_read": _l("Number read from the scan's QR code"),
    "submission_seq": _l("Submission (1 = first)"),
    "correction_id": _l("Correction"), "source_id": _l("Copied from declaration"),
    "source_number": _l("Its electronic number"), "source_batch": _l("Its batch"),
    "registry_created": _l("Registry entries created"),
    "registry_updated": _l("Registry entries updated"),
    "replacement_expert_id": _l("Replacement expert"), "role": _l("Role"),
    "rows": _l("Rows"), "scores": _l("Scores"), "section": _l("Section"),
    "sha256": _l("SHA-256 checksum"), "shortlisted": _l("Shortlisted"), "size": _l("Size"),
    "source": _l("Source"), "starts_on": _l("Notice starts on"), "state": _l("State"),
    "status": _l("Status"), "tasks_created": _l("Evaluation tasks created"), "to": _l("To"),
    "total": _l("Total score"), "unchanged": _l("Unchanged"), "until": _l("Until"),
    "experts": _l("Experts reminded"), "units": _l("Provincial-level units reminded"),
    "unstaffed": _l("Declarations left without enough reviewers"),
    "withdrawn": _l("Reviews withdrawn"),
    "updated": _l("Updated"), "upload_dir": _l("Upload directory"), "user_id": _l("Account"),
    "username": _l("User name"), "inspection_id": _l("Inspection"),
    "objection_id": _l("Objection"), "mean": _l("Mean score"), "reviews": _l("Reviews"),
    "comment": _l("Comment"), "business_status": _l("Business status"),
    "mark_status": _l("Business status"),
    # Batch settings and expert profiles (in "changes").
    "year": _l("Year"), "opens_at": _l("Declarations open"),
    "contact_deadline": _l("Deadline for liaison contacts"),
    "province_deadline": _l("Deadline for provincial submissions"),
    "evaluation_deadline": _l("Deadline for evaluation filings"),
    "reporting_date": _l("Reporting date"), "organisation_name": _l("Organisation"),
    "organisation_credit_code": _l("Organisation's credit code"),
    "unit_code": _l("Provincial-level unit"),
    # Announcements and the FAQ (services/announcements.py, services/faq.py).
    "title": _l("Notice title"), "revision": _l("Version"), "note": _l("Note"),
    "after_publication": _l("Edited after publication"), "publish_at": _l("Publication"),
    "question": _l("Question"),
}

# Where a key means something else in one area's entries.
AREA_KEY_LABELS = {("inspection", "conclusion"): _l("Inspection conclusion"),
                   ("auth", "until"): _l("Locked until")}

OBJECT_LABELS = {
    "declaration": _l("Declaration"), "user_account": _l("Account"),
    "organisation": _l("Organisation"), "batch": _l("Batch"),
    "review_assignment": _l("Expert review"), "inspection": _l("On-site inspection"),
    "public_notice": _l("Public notice"), "objection": _l("Objection"),
    "recommendation": _l("Recommendation"), "unit_submission": _l("Provincial submission"),
    "liaison_contact": _l("Liaison contact"), "unit_deadline": _l("Deadline for applicants"),
    "expert_profile": _l("Expert profile"), "evaluation_task": _l("Evaluation filing"),
    "registry_entry": _l("Registry entry"), "stored_file": _l("File"),
    "evaluation_campaign": _l("Evaluation campaign"), "declaration_attachment": _l("Attachment"),
}

SIGN_IN_REASONS = {
    "unknown_user": _l("Unknown user name"), "locked": _l("Account locked"),
    "inactive": _l("Account disabled"), "bad_password": _l("Wrong password"),
    "wrong_current": _l("Wrong current password"),
}
ASSIGNMENT_HOW = {"automatic": _l("Automatic"), "manual": _l("By hand"),
                  "replacement": _l("Replacement after a decline")}
DIRECTIONS = {"up": _l("Up"), "down": _l("Down")}
SCAN_OUTCOMES = {"matches": _l("The number matches"),
                 "other_number": _l("Another number"),
                 "unreadable": _l("No number could be read")}
LANGUAGES = {"zh_CN": "中文", "en": "English"}
YES, NO, NONE = _l("Yes"), _l("No"), "—"


def _enum(cls: type[LabelledEnum]) -> Callable[[object], str]:
    return lambda value: cls.label_of(str(value))


def _mapping(labels: dict) -> Callable[[object], str]:
    return lambda value: str(translated(labels[value])) if value in labels else str(value)


@cache
def _field_labels() -> dict[str, object]:
    """Annex 1 field names of every category → their label (the first category wins)."""
    labels: dict[str, object] = {}
    for category in Category:
        for section in annex1.definition(category.value).sections:
            labels.setdefault(section.key, section.title)
            for field in section.fields():
                labels.setdefault(field.name, field.label)
        for kind in annex1.definition(category.value).attachments:
            labels.setdefault(kind.key, kind.label)
    labels.setdefault(annex1.STAMPED_SCAN.key, annex1.STAMPED_SCAN.label)
    return labels


@cache
def _criterion_labels() -> dict[str, object]:
    return {c.key: annex1.Text(c.name_zh, c.name_en)
            for criteria in rubric.DEFAULT_RUBRIC.values() for c in criteria}


def _text(value) -> str:
    """An annex1.Text in the request's language, or a lazy string translated."""
    if isinstance(value, annex1.Text):
        return value.get(lang())
    return str(translated(value))


def _annex_name(value) -> str:
    found = _field_labels().get(str(value))
    return _text(found) if found is not None else str(value)


def _class_label(value) -> str:
    for cls in (PlatformClass, CityClass, ServiceModel):
        if value in {m.value for m in cls}:
            return cls(value).label
    return str(value)


def _quota_key(value: str) -> str:
    group, _, line = str(value).partition(".")
    return f"{QuotaUnitGroup.label_of(group)} · {QuotaLine.label_of(line)}"


def _value_formatter(action: str, key: str) -> Callable[[object], str] | None:
    """How to show the value of `key` in an entry of `action`, when it is a known code."""
    area = action.partition(".")[0]
    if key in ("from", "to", "state"):
        if area == "declaration":
            return _enum(DeclarationState)
        if area == "evaluation":
            return _enum(TaskState)
        return None
    by_key = {
        "status": _enum(BatchStatus) if area == "batch" else None,
        "outcome": _mapping(SCAN_OUTCOMES) if action == "declaration.stamped_scan_link"
        else _enum(ObjectionOutcome),
        "conclusion": _enum(Conclusion) if area == "evaluation"
        else _enum(InspectionConclusion),
        "category": _enum(DemoCategory) if area in ("registry", "evaluation")
        else _enum(Category),
        "class": _class_label, "role": _enum(Role), "org_type": _enum(OrgType),
        "line": _enum(QuotaLine), "language": _mapping(LANGUAGES),
        "reason": _mapping(SIGN_IN_REASONS) if area == "auth" else None,
        "how": _mapping(ASSIGNMENT_HOW), "direction": _mapping(DIRECTIONS),
        "kind": _annex_name, "section": _annex_name, "fields": _annex_name,
        "business_status": _enum(BusinessStatus), "mark_status": _enum(BusinessStatus),
    }
    return by_key.get(key)


def _datetime_text(value: str) -> str | None:
    """An ISO date-time with a time zone, shown in China Standard Time; else None."""
    if len(value) < 16 or "T" not in value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return clock.china(moment).strftime("%Y-%m-%d %H:%M")


def _separator() -> str:
    return ", " if lang() == "en" else "、"


def show(value, formatter: Callable[[object], str] | None = None) -> str:
    """One value in words: nothing as "—", booleans as yes/no, lists joined, mappings as
    "label: value" pairs, date-times in China Standard Time, codes by their label."""
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, bool):
        return str(translated(YES if value else NO))
    if isinstance(value, list | tuple | set | frozenset):
        return _separator().join(show(v, formatter) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_key_label(k)}: {show(v)}" for k, v in value.items())
    if formatter is not None:
        return formatter(value)
    if isinstance(value, str):
        return _datetime_text(value) or value
    return str(value)


def _key_label(key, action: str = "") -> str:
    label = AREA_KEY_LABELS.get((action.partition(".")[0], str(key))) or KEY_LABELS.get(str(key))
    if label is not None:
        return str(translated(label))
    annex = _field_labels().get(str(key)) or _criterion_labels().get(str(key))
    if annex is not None:
        return _text(annex)
    if "." in str(key):
        return _quota_key(key)
    return str(key)


def _is_change(value) -> bool:
    return isinstance(value, dict) and set(value) == {"old", "new"}


def _scores(value: dict) -> str:
    return "; ".join(f"{_key_label(k)}: {show(v)}" for k, v in value.items())


def _findings(value: dict) -> list[DetailRow]:
    from smplatform.ministry.selection_forms import CHECKLIST_LABELS
    rows = [DetailRow(str(translated(CHECKLIST_LABELS.get(k, k))),
                      ChecklistFinding.label_of(str(v)))
            for k, v in (value.get("items", value) or {}).items() if not isinstance(v, dict)]
    if value.get("notes"):
        rows.append(DetailRow(_key_label("findings"), str(value["notes"])))
    return rows


def detail_rows(action: str, detail: dict | None) -> list[DetailRow]:
    """The entry's details as rows: a state change ("from"/"to") as one before → after row,
    a "changes" mapping as one row per changed value, every other key as a labelled row."""
    if not detail:
        return []
    rows: list[DetailRow] = []
    detail = dict(detail)
    if "from" in detail and "to" in detail and action.partition(".")[0] in (
            "declaration", "evaluation"):
        formatter = _value_formatter(action, "from")
        rows.append(DetailRow(str(translated(KEY_LABELS["state"])),
                              show(detail.pop("to"), formatter),
                              before=show(detail.pop("from"), formatter)))
    for key, value in detail.items():
        formatter = _value_formatter(action, key)
        if key == "changes" and isinstance(value, dict):
            for sub, change in value.items():
                sub_format = _value_formatter(action, sub)
                if _is_change(change):
                    rows.append(DetailRow(_key_label(sub), show(change["new"], sub_format),
                                          before=show(change["old"], sub_format)))
                else:
                    rows.append(DetailRow(_key_label(sub), show(change, sub_format)))
        elif _is_change(value):
            rows.append(DetailRow(_key_label(key), show(value["new"], formatter),
                                  before=show(value["old"], formatter)))
        elif key == "findings" and isinstance(value, dict):
            rows.extend(_findings(value))
        elif key == "scores" and isinstance(value, dict):
            rows.append(DetailRow(_key_label(key), _scores(value) or NONE))
        else:
            rows.append(DetailRow(_key_label(key, action), show(value, formatter)))
    return rows


def object_label(object_type: str | None, object_id: str | None) -> str:
    """"Declaration 12" for ("declaration", "12"); "" when the entry names no object."""
    if not object_type:
        return ""
    label = OBJECT_LABELS.get(object_type)
    name = str(translated(label)) if label is not None else object_type
    return f"{name} {object_id}" if object_id else name

# Security (issue 14): lockouts, key rotation, audit archives and exports, sessions, roles.
KEY_LABELS.update({
    "after": _l("Counted at"), "new": _l("New keys"), "values": _l("Values re-encrypted"),
    "indexes": _l("Indexes recomputed"), "retired": _l("Keys retired"),
    "key": _l("Data key"), "files": _l("Files encrypted"),
    "failed": _l("Files left as they were"),
    "first_seq": _l("First entry"), "last_seq": _l("Last entry"), "entries": _l("Entries"),
    "format": _l("Format"), "device": _l("Device"), "ip": _l("IP address"),
    "limit": _l("Session limit"), "left": _l("Recovery codes left"),
    "two_factor_roles": _l("Two-factor sign-in required for"),
    "password_max_age_days": _l("Password expiry (days; 0 = never)"),
    "session_limit": _l("Concurrent sessions of staff and administrators"),
})
