"""The expert pool (专家库): expert accounts and their profiles."""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import select

from smplatform import clock
from smplatform.enums import ExpertiseField, Role
from smplatform.extensions import db
from smplatform.models import ExpertExpertise, ExpertProfile, Unit, User
from smplatform.rules import assignment
from smplatform.rules import credit_code as credit
from smplatform.services import DomainError, accounts
from smplatform.services.audit import record


def _clean(organisation_name: str, organisation_credit_code: str | None, unit_code: str,
           fields: Iterable[str]) -> dict:
    name = (organisation_name or "").strip()
    if not name:
        raise DomainError(_("Enter the expert's organisation."), field="organisation_name")
    code = credit.normalise(organisation_credit_code) or None
    if code is not None:
        message = accounts.credit_code_message(code)
        if message:
            raise DomainError(message, field="organisation_credit_code")
    if not unit_code or db.session.get(Unit, unit_code) is None:
        raise DomainError(_("Choose the expert's provincial-level unit."), field="unit_code")
    known = {f.value for f in ExpertiseField}
    chosen = sorted(set(fields))
    if not chosen:
        raise DomainError(_("Choose at least one field of expertise."), field="fields")
    if set(chosen) - known:
        raise DomainError(_("Choose fields of expertise from the list."), field="fields")
    return {"organisation_name": name, "organisation_credit_code": code,
            "unit_code": unit_code, "fields": chosen}


def _snapshot(profile: ExpertProfile | None) -> dict:
    if profile is None:
        return {}
    return {"organisation_name": profile.organisation_name,
            "organisation_credit_code": profile.organisation_credit_code,
            "unit_code": profile.unit_code, "fields": profile.fields, "active": profile.active}


def profile_of(user: User) -> ExpertProfile | None:
    return db.session.scalar(select(ExpertProfile).where(ExpertProfile.user_id == user.id))


def save_expert_profile(*, actor: User, user: User, organisation_name: str,
                        organisation_credit_code: str | None, unit_code: str,
                        fields: Iterable[str], active: bool) -> ExpertProfile:
    """Create or change the profile of a user with the expert role.

    Side effects: inserts or updates ExpertProfile and its ExpertExpertise rows; audit entry
    `expert.update` listing every changed value with old and new (none when nothing changed).
    Raises DomainError on a missing organisation, a bad credit code, an unknown unit or no
    field of expertise; ValueError when the user is not an expert.
    """
    if user.role != Role.EXPERT:
        raise ValueError("only experts have an expert profile")
    values = _clean(organisation_name, organisation_credit_code, unit_code, fields)
    values["active"] = bool(active)
    profile = profile_of(user)
    before = _snapshot(profile)
    now = clock.now()
    if profile is None:
        profile = ExpertProfile(user=user, created_at=now, updated_at=now)
        db.session.add(profile)
    for key in ("organisation_name", "organisation_credit_code", "unit_code", "active"):
        setattr(profile, key, values[key])
    if profile.fields != values["fields"]:
        profile.expertise = [ExpertExpertise(field=f) for f in values["fields"]]
    changes = {key: {"old": before.get(key), "new": new} for key, new in values.items()
               if before.get(key) != new}
    if changes:
        profile.updated_at = now
        db.session.flush()
        record("expert.update", actor=actor, obj=profile, unit_code=profile.unit_code,
               detail={"user_id": user.id, "changes": changes})
    return profile


def assignment_pool() -> list[assignment.Expert]:
    """The active expert pool as the assignment rules take it (loads come with reviews)."""
    profiles = db.session.scalars(
        select(ExpertProfile).join(User).where(ExpertProfile.active.is_(True),
                                               User.active.is_(True))
        .order_by(ExpertProfile.user_id))
    return [assignment.Expert(id=p.user_id, unit_code=p.unit_code,
                              org_credit_code=p.organisation_credit_code,
                              org_name=p.organisation_name, fields=frozenset(p.fields))
            for p in profiles]
