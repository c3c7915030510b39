"""Roles, organisation types and other closed vocabularies, each with its zh/en label.

Labels are lazy strings (English msgids translated to Simplified Chinese by Flask-Babel) that
keep their message id (translation.Label), translated at once when read inside a request.
"""
from __future__ import annotations

import enum
import functools

from smplatform.translation import label as _l
from smplatform.translation import translated, translated_all


@functools.cache
def _labels_of(cls) -> dict:
    return cls._labels()


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a translatable label."""

    @property
    def label(self):
        """The label: translated at once inside a request (the common case: a page showing
        many of them), a lazy string otherwise (e.g. module-level form choices)."""
        return translated(_labels_of(type(self))[self])

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError  # every subclass defines its labels

    @classmethod
    def _labels_now(cls, members) -> list:
        """The members' labels, translated together (one lookup of the translations)."""
        labels = _labels_of(cls)
        return translated_all([labels[m] for m in members])

    @classmethod
    def choices(cls, members=None):
        members = list(members or cls)
        return list(zip((m.value for m in members), cls._labels_now(members), strict=True))

    @classmethod
    def label_map(cls) -> dict[str, str]:
        """{value: label}, translated now: a list's rows look their labels up here."""
        return {m.value: str(label) for m, label in zip(cls, cls._labels_now(cls), strict=True)}

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored code; a code this enum does not know (old data) is shown as
        it is, and no code as an empty string."""
        if value is None:
            return ""
        try:
            return cls(value).label
        except ValueError:
            return value


class Role(LabelledEnum):
    APPLICANT = "applicant"
    PROVINCE = "province"
    MINISTRY = "ministry"
    EXPERT = "expert"
    # The prefecture-level city's industry and IT officer (市级工信部门), scoped to one city:
    # the initial review (市级初审) where the province has turned it on.
    CITY = "city"
    # The three separated administrators (三员分立, GB/T 22239-2019 level 3): none does
    # ministry business, no account holds two of them (an account has one role).
    SYSTEM_ADMIN = "system_admin"
    SECURITY_ADMIN = "security_admin"
    AUDIT_ADMIN = "audit_admin"

    @classmethod
    def _labels(cls):
        return {
            cls.APPLICANT: _l("Applicant"),
            cls.PROVINCE: _l("Provincial department"),
            cls.MINISTRY: _l("Ministry"),
            cls.EXPERT: _l("Expert"),
            cls.CITY: _l("City industry and IT officer"),
            cls.SYSTEM_ADMIN: _l("System administrator"),
            cls.SECURITY_ADMIN: _l("Security administrator"),
            cls.AUDIT_ADMIN: _l("Audit administrator"),
        }


# Business staff: accounts the system administrator creates and manages.
STAFF_ROLES = frozenset({Role.PROVINCE, Role.MINISTRY, Role.EXPERT, Role.CITY})
ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles whose accounts must use two-factor sign-in and change passwords periodically (the
# defaults of TWO_FACTOR_ROLES and PASSWORD_MAX_AGE_DAYS in config.py).
PRIVILEGED_ROLES = STAFF_ROLES | ADMIN_ROLES


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


class SubmissionState(LabelledEnum):
    """A unit's submission of its recommendation list to the ministry."""

    OPEN = "open"
    SUBMITTED = "submitted"
    SENT_BACK = "sent_back"

    @classmethod
    def _labels(cls):
        return {
            cls.OPEN: _l("Not submitted"),
            cls.SUBMITTED: _l("Submitted"),
            cls.SENT_BACK: _l("Sent back"),
        }


class AuditOutcome(LabelledEnum):
    SUCCESS = "success"
    FAILURE = "failure"

    @classmethod
    def _labels(cls):
        return {cls.SUCCESS: _l("Success"), cls.FAILURE: _l("Failure")}


class Category(LabelledEnum):
    """The three selection categories, with the letter used in electronic numbers."""

    ENTERPRISE = "enterprise"
    PLATFORM = "platform"
    CITY = "city"

    @classmethod
    def _labels(cls):
        return {
            cls.ENTERPRISE: _l("Demonstration enterprise"),
            cls.PLATFORM: _l("Demonstration platform"),
            cls.CITY: _l("Demonstration city"),
        }

    @property
    def letter(self) -> str:
        return {"enterprise": "E", "platform": "P", "city": "C"}[self.value]


class PlatformClass(LabelledEnum):
    SHARED_MANUFACTURING = "shared_manufacturing"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {cls.SHARED_MANUFACTURING: _l("Shared manufacturing"), cls.OTHER: _l("Other")}


class CityClass(LabelledEnum):
    COMPREHENSIVE = "comprehensive"
    INDUSTRIAL_DESIGN = "industrial_design"

    @classmethod
    def _labels(cls):
        return {cls.COMPREHENSIVE: _l("Comprehensive"),
                cls.INDUSTRIAL_DESIGN: _l("Industrial design characteristic")}


def class_label(value: str | None) -> str:
    """The label of a declaration's class: a platform class or a city class ("" for none)."""
    if not value:
        return ""
    for cls in (PlatformClass, CityClass):
        if value in cls._value2member_map_:
            return cls(value).label
    return value


class ServiceModel(LabelledEnum):
    CUSTOMISED = "customised"
    SUPPLY_CHAIN = "supply_chain"
    INSPECTION = "inspection"
    LIFECYCLE = "lifecycle"
    GENERAL_CONTRACTING = "general_contracting"
    ENERGY_ENVIRONMENT = "energy_environment"
    PRODUCTIVE_FINANCE = "productive_finance"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.CUSTOMISED: _l("Customised services"),
            cls.SUPPLY_CHAIN: _l("Supply chain management"),
            cls.INSPECTION: _l("Inspection, testing and certification services"),
            cls.LIFECYCLE: _l("Whole life-cycle management"),
            cls.GENERAL_CONTRACTING: _l("Integrated general contracting"),
            cls.ENERGY_ENVIRONMENT: _l("Energy-saving and environmental services"),
            cls.PRODUCTIVE_FINANCE: _l("Productive financial services"),
            cls.OTHER: _l("Other"),
        }


class DeclarationState(LabelledEnum):
    """States of a fifth-batch declaration. Transitions live in rules/workflow.py."""

    DRAFT = "draft"
    # Where the province has turned on the prefecture tier: the city's initial review first.
    CITY_REVIEW = "city_review"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    RETURNED = "returned"
    REJECTED = "rejected"
    PASSED = "passed"
    FORWARDED = "forwarded"
    NOT_RECOMMENDED = "not_recommended"
    # The ministry's selection (expert review, inspection, decision, publication).
    EXPERT_REVIEW = "expert_review"
    EXPERT_PASSED = "expert_passed"
    EXPERT_FAILED = "expert_failed"
    SHORTLISTED = "shortlisted"
    NOT_SELECTED = "not_selected"
    PUBLISHED = "published"

    @classmethod
    def _labels(cls):
        return {
            cls.DRAFT: _l("Draft"),
            cls.CITY_REVIEW: _l("Submitted, under the city's initial review"),
            cls.SUBMITTED: _l("Submitted, awaiting provincial review"),
            cls.UNDER_REVIEW: _l("Under provincial review"),
            cls.RETURNED: _l("Returned for revision"),
            cls.REJECTED: _l("Rejected by the province"),
            cls.PASSED: _l("Passed the provincial review"),
            cls.FORWARDED: _l("Recommended to the ministry"),
            cls.NOT_RECOMMENDED: _l("Not recommended"),
            cls.EXPERT_REVIEW: _l("Under expert review"),
            cls.EXPERT_PASSED: _l("Passed the expert review"),
            cls.EXPERT_FAILED: _l("Did not pass the expert review"),
            cls.SHORTLISTED: _l("Shortlisted (public notice)"),
            cls.NOT_SELECTED: _l("Not selected"),
            cls.PUBLISHED: _l("Published as a demonstration"),
        }


class DeclarationAction(LabelledEnum):
    """The steps of a declaration's way (rules/workflow.py), as its history shows them: the
    step, then the state it led to ("Submit → Submitted, awaiting provincial review")."""

    SUBMIT = "submit"
    SUBMIT_TO_CITY = "submit_to_city"
    CITY_PASS = "city_pass"  # noqa: S105  (a step, not a password)
    CITY_RETURN = "city_return"
    RESUBMIT_TO_CITY = "resubmit_to_city"
    PROVINCE_TAKE_OVER = "province_take_over"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    PASS = "pass"  # noqa: S105  (a step, not a password)
    RETURN = "return"
    REJECT = "reject"
    RESUBMIT = "resubmit"
    FORWARD = "forward"
    NOT_RECOMMEND = "not_recommend"
    SEND_BACK = "send_back"
    START_EXPERT_REVIEW = "start_expert_review"
    EXPERT_PASS = "expert_pass"  # noqa: S105
    EXPERT_FAIL = "expert_fail"
    SHORTLIST = "shortlist"
    NOT_SHORTLIST = "not_shortlist"
    REMOVE_AFTER_NOTICE = "remove_after_notice"
    PUBLISH = "publish"

    @classmethod
    def _labels(cls):
        return {
            cls.SUBMIT: _l("Submit"),
            cls.SUBMIT_TO_CITY: _l("Submit to the city's initial review"),
            cls.CITY_PASS: _l("Pass the city's initial review"),
            cls.CITY_RETURN: _l("Return for revision (city)"),
            cls.RESUBMIT_TO_CITY: _l("Resubmit to the city's initial review"),
            cls.PROVINCE_TAKE_OVER: _l("Taken over by the province after the cities' deadline"),
            cls.WITHDRAW: _l("Withdraw"),
            cls.START_REVIEW: _l("Start the provincial review"),
            cls.PASS: _l("Pass the provincial review"),
            cls.RETURN: _l("Return for revision"),
            cls.REJECT: _l("Reject"),
            cls.RESUBMIT: _l("Resubmit"),
            cls.FORWARD: _l("Recommend to the ministry"),
            cls.NOT_RECOMMEND: _l("Do not recommend"),
            cls.SEND_BACK: _l("Send back to the province"),
            cls.START_EXPERT_REVIEW: _l("Start the expert review"),
            cls.EXPERT_PASS: _l("Pass the expert review"),
            cls.EXPERT_FAIL: _l("Fail the expert review"),
            cls.SHORTLIST: _l("Shortlist for the public notice"),
            cls.NOT_SHORTLIST: _l("Do not shortlist"),
            cls.REMOVE_AFTER_NOTICE: _l("Remove after an upheld objection"),
            cls.PUBLISH: _l("Publish as a demonstration"),
        }


# Named groups used by services, permissions and templates.
EDITABLE_STATES = frozenset({DeclarationState.DRAFT, DeclarationState.RETURNED})
IN_PROVINCE_QUEUE_STATES = frozenset({DeclarationState.SUBMITTED, DeclarationState.UNDER_REVIEW})
FROZEN_STATES = frozenset(DeclarationState) - EDITABLE_STATES
# Declarations the ministry's expert review works on (assignment of reviewers).
EXPERT_REVIEW_STATES = frozenset({DeclarationState.FORWARDED, DeclarationState.EXPERT_REVIEW})


# Ministry selection: quota lines and the expert pool's fields of expertise.

class QuotaLine(LabelledEnum):
    """A line of the quota table (values as in smplatform.rules.quotas)."""

    ENTERPRISE = "enterprise"
    PLATFORM_SHARED = "platform_shared"
    PLATFORM_OTHER = "platform_other"
    CITY_COMPREHENSIVE = "city_comprehensive"
    CITY_DESIGN = "city_design"
    CITY_ANY = "city_any"

    @classmethod
    def _labels(cls):
        return {
            cls.ENTERPRISE: _l("Demonstration enterprises"),
            cls.PLATFORM_SHARED: _l("Demonstration platforms, shared manufacturing"),
            cls.PLATFORM_OTHER: _l("Demonstration platforms, other"),
            cls.CITY_COMPREHENSIVE: _l("Demonstration cities, comprehensive"),
            cls.CITY_DESIGN: _l("Demonstration cities, industrial design"),
            cls.CITY_ANY: _l("Demonstration city, either class (in total)"),
        }


class QuotaUnitGroup(LabelledEnum):
    REGULAR = "regular"
    PLANNED = "planned"

    @classmethod
    def _labels(cls):
        return {
            cls.REGULAR: _l("Province, autonomous region, municipality, XPCC"),
            cls.PLANNED: _l("City separately listed in the plan"),
        }


class ExpertiseField(LabelledEnum):
    """What an expert reviews: the service models, the platform and city classes."""

    CUSTOMISED_SERVICES = "customised_services"
    SUPPLY_CHAIN = "supply_chain_management"
    INSPECTION_TESTING = "inspection_testing_certification"
    LIFE_CYCLE = "whole_life_cycle_management"
    GENERAL_CONTRACTING = "integrated_general_contracting"
    ENERGY_ENVIRONMENT = "energy_saving_environmental"
    PRODUCTIVE_FINANCE = "productive_financial_services"
    SHARED_MANUFACTURING = "shared_manufacturing"
    INDUSTRIAL_DESIGN = "industrial_design"
    CITY_POLICY = "city_policy"

    @classmethod
    def _labels(cls):
        return {
            cls.CUSTOMISED_SERVICES: _l("Customised services"),
            cls.SUPPLY_CHAIN: _l("Supply chain management"),
            cls.INSPECTION_TESTING: _l("Inspection, testing and certification services"),
            cls.LIFE_CYCLE: _l("Whole life-cycle management"),
            cls.GENERAL_CONTRACTING: _l("Integrated general contracting"),
            cls.ENERGY_ENVIRONMENT: _l("Energy-saving and environmental services"),
            cls.PRODUCTIVE_FINANCE: _l("Productive financial services"),
            cls.SHARED_MANUFACTURING: _l("Shared manufacturing"),
            cls.INDUSTRIAL_DESIGN: _l("Industrial design"),
            cls.CITY_POLICY: _l("City policy"),
        }


# Ministry selection: expert reviews, inspections and objections.

class ReviewState(LabelledEnum):
    """An expert's review assignment (评审任务)."""

    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    SUBMITTED = "submitted"
    # Overdue, and given to another expert by the ministry.
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {
            cls.ASSIGNED: _l("Assigned, awaiting your conflict-of-interest declaration"),
            cls.ACCEPTED: _l("Accepted, being scored"),
            cls.DECLINED: _l("Declined"),
            cls.SUBMITTED: _l("Submitted"),
            cls.WITHDRAWN: _l("Withdrawn: overdue, given to another expert"),
        }


ACTIVE_REVIEW_STATES = frozenset({ReviewState.ASSIGNED, ReviewState.ACCEPTED,
                                  ReviewState.SUBMITTED})
# The expert reads the declaration once it has declared no conflict of interest.
READABLE_REVIEW_STATES = frozenset({ReviewState.ACCEPTED, ReviewState.SUBMITTED})


class InspectionConclusion(LabelledEnum):
    """The conclusion of an on-site inspection (现场核查)."""

    PASS = "pass"  # noqa: S105  (a conclusion, not a password)
    CONCERNS = "concerns"
    FAIL = "fail"

    @classmethod
    def _labels(cls):
        return {
            cls.PASS: _l("Passed"),
            cls.CONCERNS: _l("Passed with concerns"),
            cls.FAIL: _l("Failed"),
        }


class ChecklistFinding(LabelledEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"

    @classmethod
    def _labels(cls):
        return {cls.MET: _l("Met"), cls.NOT_MET: _l("Not met"),
                cls.NOT_APPLICABLE: _l("Not applicable")}


class ObjectionOutcome(LabelledEnum):
    """The outcome of an objection received during the public notice (公示异议)."""

    UPHELD = "upheld"
    DISMISSED = "dismissed"

    @classmethod
    def _labels(cls):
        return {cls.UPHELD: _l("Upheld"), cls.DISMISSED: _l("Dismissed")}


class ObjectionSource(LabelledEnum):
    """How an objection reached the ministry."""

    PUBLIC = "public"
    MINISTRY = "ministry"

    @classmethod
    def _labels(cls):
        return {cls.PUBLIC: _l("Sent through the public notice's form"),
                cls.MINISTRY: _l("Recorded by the ministry")}


# ---- announcements (通知公告) ----

class AnnouncementStatus(LabelledEnum):
    """What is stored: draft, published (maybe scheduled) or withdrawn."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {cls.DRAFT: _l("Draft"), cls.PUBLISHED: _l("Published"),
                cls.WITHDRAWN: _l("Withdrawn")}


class AnnouncementState(LabelledEnum):
    """What a reader sees now: the stored status read against the clock."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @classmethod
    def _labels(cls):
        return {cls.DRAFT: _l("Draft"), cls.SCHEDULED: _l("Scheduled"),
                cls.PUBLISHED: _l("Published"), cls.WITHDRAWN: _l("Withdrawn")}
