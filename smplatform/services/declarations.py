"""Declarations from the applicant's side: start, save (with a version check), submit,
withdraw. Every state change goes through services.workflow.apply."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from smplatform import clock
from smplatform.observability import AUTOSAVE_CONFLICTS
from smplatform.enums import EDITABLE_STATES, Category, DeclarationState, Role
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    Declaration,
    DeclarationContent,
    DeclarationCounter,
    DeclarationSubmission,
    User,
)
from smplatform.rules import annex1, eligibility, numbering
from smplatform.rules import fields as field_rules
from smplatform.services import DomainError, workflow
from smplatform.services.audit import record
from smplatform.services.deadlines import (
    applicant_deadline,
    declaration_deadline,
    is_past,
    reporting_date,
)


def prefill(organisation) -> dict:
    """Values for fields marked `prefill`, from the organisation's registration."""
    return {
        "org_name": organisation.name,
        "credit_code": organisation.credit_code,
        "city_name": organisation.city.name_zh if organisation.city else "",
        "contact_name": organisation.contact_name,
        "contact_mobile": organisation.contact_mobile,
        "contact_email": organisation.contact_email,
    }


def _parse_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def start(*, actor: User, batch: Batch, category: str, klass: str | None = None,
          service_model: str | None = None, attested: dict,
          launch_date: str | None = None,
          demonstration_cities=eligibility.KNOWN_DEMONSTRATION_CITY_CODES) -> Declaration:
    """Start a draft declaration for the actor's organisation after the eligibility checks.

    Side effects: adds a Declaration (state draft, version 1, prefilled from the
    organisation, attestations and class recorded); audit entry `declaration.start`.
    Raises DomainError with every refusal in plain words.
    """
    org = actor.organisation
    if is_past(applicant_deadline(batch, org.unit_code, org.id)):
        raise DomainError(_("The deadline for declarations in your region has passed."))
    refusals = eligibility.refusals(
        org_type=org.org_type, category=category, attested=attested,
        launch_date=_parse_date(launch_date), reporting_date=reporting_date(batch),
        city_code=org.city_code, demonstration_cities=demonstration_cities)
    if refusals:
        raise DomainError(" ".join(str(r) for r in refusals), code="ineligible")
    category = Category(category)
    if klass not in {c.value for c in eligibility.classes_for(category)} and \
            eligibility.classes_for(category):
        raise DomainError(_("Choose a class."), field="klass")
    models = {c.value for c in annex1.SERVICE_MODELS}
    needs_model = category == Category.ENTERPRISE or (
        category == Category.PLATFORM and klass == "other")
    if needs_model and service_model not in models:
        raise DomainError(_("Choose a service model."), field="service_model")
    if _existing(batch, org.id, category) is not None:
        raise DomainError(_duplicate_message(category), code="duplicate")
    data = prefill(org)
    data.update({name: "1" for name in eligibility.COMMON_CONDITIONS})
    if category == Category.PLATFORM:
        data["platform_class"] = klass
        data["launch_date"] = launch_date
    if category == Category.CITY:
        data["city_class"] = klass
    if needs_model:
        data["service_model"] = service_model
    now = clock.now()
    declaration = Declaration(
        batch_id=batch.id, organisation_id=org.id, unit_code=org.unit_code,
        city_code=org.city_code, category=str(category), klass=klass,
        service_model=service_model if needs_model else None, state=DeclarationState.DRAFT,
        data=data, version=1, created_at=now, updated_at=now, updated_by_id=actor.id,
        org_name=org.name, credit_code=org.credit_code)
    try:
        with db.session.begin_nested():
            db.session.add(declaration)
            db.session.flush()
    except IntegrityError:  # the same organisation started one a moment ago in another tab
        raise DomainError(_duplicate_message(category), code="duplicate") from None
    record("declaration.start", actor=actor, obj=declaration, unit_code=org.unit_code,
           detail={"category": str(category), "class": klass})
    return declaration


def _existing(batch, org_id, category):
    return db.session.scalar(select(Declaration).where(
        Declaration.batch_id == batch.id, Declaration.organisation_id == org_id,
        Declaration.category == str(category)))


def _duplicate_message(category) -> str:
    return _("Your organisation already has a declaration for \"%(category)s\" in this batch. "
             "Each organisation may declare once per category; open the existing one from "
             "your dashboard.", category=Category(category).label)


@dataclass
class SaveResult:
    """What a save did: the fields saved, the fields refused with their messages, and, when
    the stored version was newer than the one the edit was based on, the differing fields
    as {name: (theirs, yours)} (nothing saved then)."""

    saved: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, tuple] = field(default_factory=dict)
    version: int = 0


def clean_section(definition, section_key: str, raw: dict):
    """Check every field of a section. Returns ({name: value}, {name: message})."""
    values, errors = {}, {}
    for f in definition.section(section_key).fields():
        if f.name not in raw:
            continue
        value, error = field_rules.clean(f, raw[f.name])
        if error is not None:
            errors[f.name] = str(error)
        else:
            values[f.name] = value
    return values, errors


@lru_cache(maxsize=64)
def _claim_statement(columns: tuple[str, ...], states: tuple[str, ...]):
    """The claim's UPDATE for these columns and states, built once (a save builds none: a
    third of the cost of its two UPDATEs). A Core UPDATE: the ORM's bulk-update machinery is
    not needed."""
    table = Declaration.__table__
    return (update(table)
            .where(table.c.id == bindparam("claim_id"),
                   table.c.version == bindparam("claim_version"),
                   table.c.state.in_(states))
            .values(version=table.c.version + 1,
                    **{c: bindparam(f"new_{c}", type_=table.c[c].type) for c in columns}))


def _claim(declaration: Declaration, *, version: int, states, **values) -> bool:
    """Conditional UPDATE: bump the version (and set `values`) only if the row still has this
    version and one of these states. It also takes the row's write lock until the transaction
    ends, so a concurrent second request waits and then finds the version changed."""
    statement = _claim_statement(tuple(sorted(values)), tuple(str(s) for s in states))
    result = db.session.execute(statement, {
        "claim_id": declaration.id, "claim_version": version,
        **{f"new_{c}": value for c, value in values.items()}})
    if result.rowcount != 1:
        db.session.refresh(declaration)
        if declaration.content is not None:
            db.session.refresh(declaration.content)
        return False
    # What the UPDATE wrote, as the loaded state (no second UPDATE at flush).
    for key, value in {"version": version + 1, **values}.items():
        set_committed_value(declaration, key, value)
    return True


def save_section(*, declaration: Declaration, actor: User, section_key: str, raw: dict,
                 base_version: int) -> SaveResult:
    """Save the valid values of one section; report the invalid ones; never overwrite a
    newer version.

    Refused once the declaration's deadline (its organisation's) has passed.
    Side effects (when something valid changed and the version matches): updates
    Declaration.data, version (+1), low_service_share, klass/service_model, updated_at/by;
    audit entry `declaration.save` listing the field names. A conflict is counted in the
    metrics (smplatform_autosave_conflicts_total).
    """
    if declaration.state_enum not in EDITABLE_STATES:
        raise DomainError(_("This declaration can no longer be changed: it is \"%(state)s\".",
                            state=declaration.state_enum.label), code="frozen")
    if is_past(declaration_deadline(declaration)):
        raise DomainError(_("The deadline has passed: the draft can no longer be changed. "
                            "Nothing was saved."), code="deadline")
    definition = annex1.definition(declaration.category)
    try:
        definition.section(section_key)
    except StopIteration:
        raise DomainError(_("There is no such section."), code="section") from None
    values, errors = clean_section(definition, section_key, raw)
    result = SaveResult(errors=errors, version=declaration.version)
    if base_version != declaration.version:
        for name, value in values.items():
            theirs = declaration.data.get(name, "" if not isinstance(value, list) else [])
            if theirs != value:
                result.conflicts[name] = (theirs, value)
        _count_conflict(result)
        return result
    changed = {k: v for k, v in values.items() if declaration.data.get(k) != v}
    if not changed:
        return result
    data = dict(declaration.data)
    data.update(changed)
    # Everything is computed before the claim: from the claim to the commit the row (on
    # SQLite the database) is locked, so that stretch is kept to the UPDATEs.
    if not _claim(declaration, version=base_version, states=EDITABLE_STATES,
                  updated_at=clock.now(), updated_by_id=actor.id, **_derived(declaration, data)):
        result.version = declaration.version
        for name, value in values.items():
            if declaration.data.get(name) != value:
                result.conflicts[name] = (declaration.data.get(name, ""), value)
        _count_conflict(result)
        return result
    _store_data(declaration, data)
    record("declaration.save", actor=actor, obj=declaration, unit_code=declaration.unit_code,
           detail={"section": section_key, "fields": sorted(changed)})
    result.saved = sorted(changed)
    result.version = declaration.version
    return result


def _count_conflict(result: SaveResult) -> None:
    if result.conflicts:
        AUTOSAVE_CONFLICTS.labels("declaration").inc()


def _derived(declaration: Declaration, data: dict) -> dict:
    """The declaration's columns that follow from the form's values."""
    category = declaration.category_enum
    derived = {"low_service_share": category == Category.ENTERPRISE
               and annex1.low_service_share(data)}
    if category == Category.PLATFORM:
        derived["klass"] = data.get("platform_class") or declaration.klass
        derived["service_model"] = data.get("service_model") or None
    elif category == Category.CITY:
        derived["klass"] = data.get("city_class") or declaration.klass
    else:
        derived["service_model"] = data.get("service_model") or None
    return derived


def _store_data(declaration: Declaration, data: dict) -> None:
    """Write the form's values: one Core UPDATE of the content row (no ORM flush), or a new
    row for a declaration that has none yet."""
    if declaration.content is None:
        declaration.data = data
        db.session.flush()
        return
    db.session.execute(_STORE_DATA, {"content_id": declaration.id, "new_data": data})
    set_committed_value(declaration.content, "data", data)


_CONTENT = DeclarationContent.__table__
_STORE_DATA = (update(_CONTENT).where(_CONTENT.c.declaration_id == bindparam("content_id"))
               .values(data=bindparam("new_data", type_=_CONTENT.c.data.type)))


def missing(declaration: Declaration):
    definition = annex1.definition(declaration.category)
    return field_rules.missing(definition, declaration.data,
                               {a.kind for a in declaration.attachments})


def _next_sequence(declaration: Declaration) -> int:
    """Atomically take the next sequence number of (batch, unit, category)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    key = {"batch_id": declaration.batch_id, "unit_code": declaration.unit_code,
           "category": declaration.category}
    db.session.execute(insert(DeclarationCounter).values(**key, last=0)
                       .on_conflict_do_nothing())
    return db.session.execute(
        update(DeclarationCounter)
        .where(*(getattr(DeclarationCounter, k) == v for k, v in key.items()))
        .values(last=DeclarationCounter.last + 1)
        .returning(DeclarationCounter.last)
        .execution_options(synchronize_session=False)).scalar_one()


def submit(*, declaration: Declaration, actor: User, base_version: int,
           demonstration_cities=eligibility.KNOWN_DEMONSTRATION_CITY_CODES) -> None:
    """Submit (or resubmit after a return) to the province's queue, or, where the province
    has turned on the prefecture tier and the organisation is in one of its cities, to the
    city's initial review (`submit_to_city` / `resubmit_to_city`).

    Refused when incomplete, past the applicant deadline (the unit's internal one if set),
    ineligible, or when the declaration changed or was submitted meanwhile (two clicks, two
    tabs: the conditional UPDATE on id, state and version lets exactly one through).
    Side effects: state → submitted; electronic number at the first submission (kept after);
    verification code recomputed; submitted_at; version +1; a DeclarationSubmission with the
    content's fingerprint; DeclarationEvent; audit entry
    `declaration.submit` / `declaration.resubmit`.
    """
    state = declaration.state_enum
    action = "resubmit" if state == DeclarationState.RETURNED else "submit"
    from smplatform.services import prefecture
    if prefecture.goes_to_city(declaration):
        action = f"{action}_to_city"
    if state not in EDITABLE_STATES:
        raise DomainError(_already_message(declaration), code="already")
    if is_past(declaration_deadline(declaration)):
        raise DomainError(_("The deadline for submitting declarations in your region has "
                            "passed. Nothing was changed."), code="deadline")
    if missing(declaration):
        raise DomainError(_("The declaration is not complete yet. See the list of what is "
                            "missing."), code="incomplete")
    _check_hard_rules(declaration, demonstration_cities)
    if not _claim(declaration, version=base_version, states={state}):
        raise DomainError(_already_message(declaration), code="already")
    workflow.apply(declaration, action, actor=actor, role=Role.APPLICANT)
    if declaration.electronic_number is None:
        declaration.electronic_number = numbering.electronic_number(
            declaration.batch.year, declaration.unit_code, declaration.category,
            _next_sequence(declaration))
    declaration.verification_code = numbering.verification_code(
        declaration.electronic_number, declaration.data)
    declaration.submitted_at = clock.now()
    _record_submission(declaration, actor)
    db.session.flush()


def _record_submission(declaration: Declaration, actor: User) -> DeclarationSubmission:
    """The fingerprint of what was submitted now (the signed PDF carries the same)."""
    seq = (db.session.scalar(select(func.max(DeclarationSubmission.seq)).where(
        DeclarationSubmission.declaration_id == declaration.id)) or 0) + 1
    row = DeclarationSubmission(
        declaration_id=declaration.id, seq=seq, submitted_at=declaration.submitted_at,
        actor_id=actor.id, verification_code=declaration.verification_code,
        content_sha256=numbering.content_digest(declaration.electronic_number,
                                                declaration.data))
    db.session.add(row)
    return row


def _check_hard_rules(declaration, demonstration_cities) -> None:
    if declaration.category == Category.PLATFORM:
        refusal = eligibility.platform_refusal(
            _parse_date(declaration.data.get("launch_date")),
            reporting_date(declaration.batch))
        if refusal is not None:
            raise DomainError(str(refusal), code="ineligible")
    if declaration.category == Category.CITY:
        refusal = eligibility.city_refusal(declaration.city_code, demonstration_cities)
        if refusal is not None:
            raise DomainError(str(refusal), code="ineligible")


def _already_message(declaration) -> str:
    if declaration.state_enum == DeclarationState.SUBMITTED:
        return _("This declaration has already been submitted (number %(number)s). It was "
                 "submitted only once.", number=declaration.electronic_number or "")
    return _("The declaration changed meanwhile (another tab or another user). Reload it, "
             "check it, and submit again.")


def withdraw(*, declaration: Declaration, actor: User) -> None:
    """Withdraw a submitted declaration back to draft, until the province starts reviewing.

    Side effects: state → draft (the electronic number is kept; the submission time is
    cleared, as a draft is not submitted: its history keeps when it was); version +1;
    DeclarationEvent; audit entry `declaration.withdraw`.
    """
    if not _claim(declaration, version=declaration.version,
                  states={DeclarationState.SUBMITTED, DeclarationState.CITY_REVIEW},
                  submitted_at=None):
        raise DomainError(_("The declaration can no longer be withdrawn: it is \"%(state)s\".",
                            state=declaration.state_enum.label), code="bad_transition")
    workflow.apply(declaration, "withdraw", actor=actor, role=Role.APPLICANT)
    db.session.flush()


def last_return(declaration: Declaration):
    """The latest return-for-revision event (its comments), if any: the province's, or its
    city's at the initial review (`action` says which)."""
    for event in reversed(declaration.events):
        if event.action in ("return", "city_return"):
            return event
    return None
