"""Roles, organisation types and other closed vocabularies, each with its zh/en label.

Labels are lazy strings: English msgids translated to Simplified Chinese by Flask-Babel.
"""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translatable label."""

    @property
    def label(self):
        return self._labels()[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError  # every subclass defines its labels

    @classmethod
    def choices(cls, members=None):
        return [(m.value, m.label) for m in (members or cls)]


class Role(LabelledEnum):
    APPLICANT = "applicant"
    PROVINCE = "province"
    MINISTRY = "ministry"
    EXPERT = "expert"

    @classmethod
    def _labels(cls):
        return {
            cls.APPLICANT: _l("Applicant"),
            cls.PROVINCE: _l("Provincial department"),
            cls.MINISTRY: _l("Ministry"),
            cls.EXPERT: _l("Expert"),
        }


STAFF_ROLES = frozenset({Role.PROVINCE, Role.MINISTRY, Role.EXPERT})


class OrgType(LabelledEnum):
    ENTERPRISE = "enterprise"
    PLATFORM_OPERATOR = "platform_operator"
    CITY_DEPARTMENT = "city_department"

    @classmethod
    def _labels(cls):
        return {
            cls.ENTERPRISE: _l("Manufacturing enterprise"),
            cls.PLATFORM_OPERATOR: _l("Platform operator"),
            cls.CITY_DEPARTMENT: _l("City industry and IT department"),
        }


class UnitKind(LabelledEnum):
    PROVINCE = "province"
    AUTONOMOUS_REGION = "autonomous_region"
    MUNICIPALITY = "municipality"
    XPCC = "xpcc"
    PLANNED_CITY = "planned_city"

    @classmethod
    def _labels(cls):
        return {
            cls.PROVINCE: _l("Province"),
            cls.AUTONOMOUS_REGION: _l("Autonomous region"),
            cls.MUNICIPALITY: _l("Municipality"),
            cls.XPCC: _l("Xinjiang Production and Construction Corps"),
            cls.PLANNED_CITY: _l("City separately listed in the plan"),
        }


class BatchStatus(LabelledEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @classmethod
    def _labels(cls):
        return {
            cls.DRAFT: _l("Not yet open"),
            cls.OPEN: _l("Open"),
            cls.CLOSED: _l("Closed"),
        }


class AuditOutcome(LabelledEnum):
    SUCCESS = "success"
    FAILURE = "failure"

    @classmethod
    def _labels(cls):
        return {cls.SUCCESS: _l("Success"), cls.FAILURE: _l("Failure")}
