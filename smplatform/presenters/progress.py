"""Where a declaration or an evaluation filing stands, and what comes next, for each role.

One presenter for every page that shows a declaration (the applicant's, the province's, the
ministry's) and every page that shows a filing: the same step indicator

    draft → submitted → provincial review → stamped copy → recommended → expert review →
    public notice → published

(for a filing: filling in → submitted → confirmed by the province → concluded), the step
where the way ended if it did (rejected, not recommended, …), and the next step in words
for the viewer's role, with the action that moves it on.

`declaration_progress(facts, role)` and `filing_progress(facts, role)` are pure: they map a
state and its facts (`DeclarationFacts`, `FilingFacts`) to what is shown. `facts_of` and
`filing_facts_of` read those facts from the database (read only).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from smplatform import clock
from smplatform.enums import Category, DeclarationState, ReviewState, Role
from smplatform.extensions import db
from smplatform.rules.evaluation import Conclusion, TaskState
from smplatform.translation import translated

S = DeclarationState
T = TaskState

# The declaration's way, in order.
STEPS = (
    ("draft", _l("Draft")),
    ("submitted", _l("Submitted")),
    ("province_review", _l("Provincial review")),
    ("stamped_copy", _l("Stamped copy")),
    ("recommended", _l("Recommended")),
    ("expert_review", _l("Expert review")),
    ("notice", _l("Public notice")),
    ("published", _l("Published")),
)
STEP_KEYS = tuple(key for key, _label in STEPS)

FILING_STEPS = (
    ("filling_in", _l("Filling in")),
    ("submitted", _l("Submitted")),
    ("confirmed", _l("Confirmed by the province")),
    ("concluded", _l("Concluded")),
)
FILING_KEYS = tuple(key for key, _label in FILING_STEPS)

DONE, CURRENT, TODO, STOPPED = "done", "current", "todo", "stopped"
STATUS_LABELS = {DONE: _l("done"), CURRENT: _l("current step"), TODO: _l("to come"),
                 STOPPED: _l("ended here")}


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    status: str  # done, current, todo or stopped

    @property
    def status_label(self) -> str:
        return str(translated(STATUS_LABELS[self.status]))

    @property
    def is_current(self) -> bool:
        """Where the way stands now (or ended): the step a reader's aria-current marks."""
        return self.status in (CURRENT, STOPPED)


@dataclass(frozen=True)
class Action:
    """A link that moves the way on (or opens the page where it is done)."""

    label: str
    url: str


@dataclass
class Progress:
    steps: list[Step]
    headline: str  # where it stands, one sentence
    next_text: str  # what happens next, for the viewer
    actions: list[Action] = field(default_factory=list)
    ended: bool = False  # the way ended before publication (rejected, not selected, …)
    mine: bool = False  # the next step is the viewer's to take


@dataclass(frozen=True)
class DeclarationFacts:
    """What decides a declaration's place on its way, beyond its state."""

    id: int
    state: str
    category: str
    number: str | None = None
    deadline: datetime | None = None  # the applicant's deadline (its unit's, if set)
    stamped_uploaded: bool = False
    stamped_confirmed: bool = False
    recommended: bool = False  # on its unit's recommendation list
    unit_submitted: bool = False  # the unit's list is with the ministry
    reviews_assigned: int = 0
    reviews_submitted: int = 0
    inspected: bool = False
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    published_on: date | None = None
    batch_id: int | None = None
    reason: str | None = None  # the province's rejection reason or return comment
    today: date | None = None
    returned_by_city: bool = False  # the latest return was the city's (initial review)


def _steps(current: str, status: str = CURRENT, keys=STEP_KEYS, labels=STEPS) -> list[Step]:
    index = keys.index(current)
    return [Step(key, str(translated(label)),
                 DONE if i < index else status if i == index else TODO)
            for i, (key, label) in enumerate(labels)]


def _where(facts: DeclarationFacts) -> tuple[str, str]:
    """(the step it is at, its status) for the declaration's state and facts."""
    state = S(facts.state)
    if state == S.DRAFT:
        return "draft", CURRENT
    if state in (S.SUBMITTED, S.CITY_REVIEW):
        return "submitted", CURRENT
    if state == S.RETURNED and facts.returned_by_city:  # not yet with the province
        return "submitted", CURRENT
    if state in (S.UNDER_REVIEW, S.RETURNED):
        return "province_review", CURRENT
    if state == S.REJECTED:
        return "province_review", STOPPED
    if state == S.PASSED:
        return ("recommended" if facts.stamped_confirmed else "stamped_copy"), CURRENT
    if state == S.NOT_RECOMMENDED:
        return "recommended", STOPPED
    if state in (S.FORWARDED, S.EXPERT_REVIEW):
        return "expert_review", CURRENT
    if state == S.EXPERT_FAILED:
        return "expert_review", STOPPED
    if state in (S.EXPERT_PASSED, S.SHORTLISTED):
        return "notice", CURRENT
    if state == S.NOT_SELECTED:
        return "notice", STOPPED
    return "published", DONE


def declaration_progress(facts: DeclarationFacts, role: Role | str) -> Progress:
    """The step indicator and the next step for a viewer of `role`."""
    current, status = _where(facts)
    steps = _steps(current, status)
    if S(facts.state) == S.PUBLISHED:
        steps = [Step(s.key, s.label, DONE) for s in steps]
    role = Role(role)
    headline = S(facts.state).label
    text, actions, mine = _next(facts, role)
    return Progress(steps=steps, headline=str(headline), next_text=text, actions=actions,
                    ended=status == STOPPED, mine=mine)


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return clock.china(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _next(f: DeclarationFacts, role: Role) -> tuple[str, list[Action], bool]:
    """(what happens next in words, the actions, whether it is the viewer's to take)."""
    state = S(f.state)
    if role == Role.APPLICANT:
        return _next_for_applicant(f, state)
    if role == Role.PROVINCE:
        return _next_for_province(f, state)
    if role == Role.MINISTRY:
        return _next_for_ministry(f, state)
    if role == Role.CITY:
        return _next_for_city(f, state)
    return "", [], False


def _next_for_city(f: DeclarationFacts, state: S) -> tuple[str, list[Action], bool]:
    """A city officer: its initial review, then the province's hands."""
    if state == S.CITY_REVIEW:
        return (_("Pass it on to the provincial department, or return it for revision with "
                  "your comments."),
                [Action(_("Review it now"), url_for(
                    "city.declaration", declaration_id=f.id) + "#city-actions-title")], True)
    if state == S.RETURNED:
        return _("The applicant revises it and submits it to you again."), [], False
    return _("It is in the provincial department's hands."), [], False


def _applicant_url(f: DeclarationFacts, anchor: str = "") -> str:
    return url_for("applicant.declaration", declaration_id=f.id) + anchor


def _pdf_action(f: DeclarationFacts, endpoint: str) -> Action:
    return Action(_("Download the declaration PDF"), url_for(endpoint, declaration_id=f.id))


def _next_for_applicant(f: DeclarationFacts, state: S) -> tuple[str, list[Action], bool]:
    if state == S.DRAFT:
        return (_("Complete every section and the attachments, then submit to your provincial "
                  "department before %(deadline)s.", deadline=_day(f.deadline)),
                [Action(_("See what is still missing"), _applicant_url(f, "#missing"))], True)
    if state == S.SUBMITTED:
        return (_("Your provincial department reviews it next. Until it starts, you may "
                  "withdraw the declaration to change it."), [], False)
    if state == S.CITY_REVIEW:
        return (_("Your city's industry and IT department reviews it first, then passes it on "
                  "to your provincial department."), [], False)
    if state == S.UNDER_REVIEW:
        return _("Your provincial department is reviewing it: it will pass, return or reject "
                 "it."), [], False
    if state == S.RETURNED and f.returned_by_city:
        return (_("Revise what your city's industry and IT department commented on and "
                  "resubmit it to your city before %(deadline)s.", deadline=_day(f.deadline)),
                [Action(_("Read the comments"), _applicant_url(f, "#returned-heading"))], True)
    if state == S.RETURNED:
        return (_("Revise the sections the province commented on and resubmit before "
                  "%(deadline)s.", deadline=_day(f.deadline)),
                [Action(_("Read the comments"), _applicant_url(f, "#returned-heading"))], True)
    if state == S.REJECTED:
        return (_("The province rejected the declaration; it cannot be resubmitted in this "
                  "batch. You may ask your provincial department about the reason, and "
                  "declare again in a later batch."), [], False)
    if state == S.PASSED and not f.stamped_uploaded:
        return (_("Download the declaration PDF, have it stamped with your official seal and "
                  "upload the scan of the stamped copy; hand the paper copy to your provincial "
                  "department."),
                [_pdf_action(f, "applicant.declaration_pdf"),
                 Action(_("Upload the stamped scan"), _applicant_url(f, "#attachments"))], True)
    if state == S.PASSED and not f.stamped_confirmed:
        return _("Your provincial department checks the stamped copy against the electronic "
                 "number %(number)s.", number=f.number or ""), [], False
    if state == S.PASSED:
        return _("Your provincial department decides whether to recommend it to the ministry, "
                 "within its quota."), [], False
    if state == S.NOT_RECOMMENDED:
        return _("Your provincial department did not recommend it this time."), [], False
    if state in (S.FORWARDED, S.EXPERT_REVIEW):
        return _("Recommended to the ministry: experts review it next."), [], False
    if state == S.EXPERT_FAILED:
        return _("It did not pass the expert review."), [], False
    if state == S.EXPERT_PASSED:
        return _("It passed the expert review: the ministry decides the shortlist next "
                 "(cities after an on-site inspection)."), [], False
    if state == S.SHORTLISTED:
        return _shortlisted_text(f), [], False
    if state == S.NOT_SELECTED:
        return _("It was not selected this time."), [], False
    return _("Published as a service-oriented manufacturing demonstration on %(day)s.",
             day=_day(f.published_on)), [], False


def _shortlisted_text(f: DeclarationFacts) -> str:
    if f.notice_starts_on is None:
        return _("Shortlisted: the ministry puts the shortlist under public notice next.")
    return _("Shortlisted and under public notice from %(start)s to %(end)s; the final list is "
             "published after the notice ends.", start=_day(f.notice_starts_on),
             end=_day(f.notice_ends_on))


def _province_url(f: DeclarationFacts, anchor: str = "") -> str:
    return url_for("province.declaration", declaration_id=f.id) + anchor


def _next_for_province(f: DeclarationFacts, state: S) -> tuple[str, list[Action], bool]:
    if state == S.SUBMITTED:
        return (_("Start the review (the applicant can then no longer withdraw it)."),
                [Action(_("Start review"), _province_url(f, "#actions-heading"))], True)
    if state == S.UNDER_REVIEW:
        return (_("Pass it, return it for revision with comments, or reject it with a reason."),
                [Action(_("Review actions"), _province_url(f, "#actions-heading"))], True)
    if state == S.RETURNED:
        return _("Returned: the applicant revises and resubmits it."), [], False
    if state == S.CITY_REVIEW:
        return _("With the city's initial review; it reaches your queue once passed on."), \
            [], False
    if state == S.REJECTED:
        return _("Rejected: nothing more to do."), [], False
    if state == S.PASSED and not f.stamped_uploaded:
        return (_("The applicant uploads the scan of the stamped copy next."),
                [_pdf_action(f, "province.declaration_pdf")], False)
    if state == S.PASSED and not f.stamped_confirmed:
        return (_("Check that the stamped copy carries the number %(number)s and confirm it.",
                  number=f.number or ""),
                [Action(_("Confirm the stamped copy"), _province_url(f, "#actions-heading")),
                 _pdf_action(f, "province.declaration_pdf")], True)
    if state == S.PASSED and not f.recommended:
        return (_("Recommend it within your quota, or leave it off the list."),
                [Action(_("Recommendation list"), url_for("province.recommendations"))], True)
    if state == S.PASSED:
        return (_("Upload the stamped summary (Annex 2) and submit the list to the ministry."),
                [Action(_("Summary (Annex 2)"), url_for("province.summary"))], True)
    if state == S.NOT_RECOMMENDED:
        return _("Not recommended: nothing more to do."), [], False
    return _("With the ministry: %(state)s.", state=state.label), [], False


def _ministry_url(endpoint: str, **args) -> str:
    return url_for(endpoint, **args)


def _next_for_ministry(f: DeclarationFacts, state: S) -> tuple[str, list[Action], bool]:
    review = Action(_("Expert review"), _ministry_url("ministry.declaration_review",
                                                       declaration_id=f.id))
    decisions = Action(_("Decisions and public notice"), _ministry_url(
        "ministry.decisions", batch_id=f.batch_id)) if f.batch_id else None
    if state in (S.DRAFT,):
        return "", [], False
    if state in (S.CITY_REVIEW, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED, S.PASSED):
        return _("With the provincial department: %(state)s.", state=state.label), [], False
    if state in (S.REJECTED, S.NOT_RECOMMENDED, S.EXPERT_FAILED, S.NOT_SELECTED):
        return _("Its way ended: %(state)s.", state=state.label), [], False
    if state == S.FORWARDED or (state == S.EXPERT_REVIEW and f.reviews_assigned == 0):
        return _("Assign expert reviewers."), [review], True
    if state == S.EXPERT_REVIEW and f.reviews_submitted < f.reviews_assigned:
        return (_("%(n)d of %(m)d reviews submitted: wait for the others, then record the "
                  "outcome.", n=f.reviews_submitted, m=f.reviews_assigned), [review], False)
    if state == S.EXPERT_REVIEW:
        return _("Every review is in: record the expert review's outcome."), [review], True
    if state == S.EXPERT_PASSED and f.category == Category.CITY and not f.inspected:
        return (_("Record the on-site inspection (required for a city), then decide."),
                [Action(_("On-site inspection"), _ministry_url(
                    "ministry.inspection", declaration_id=f.id))], True)
    if state == S.EXPERT_PASSED:
        return _("Decide: shortlist it or not."), [a for a in (decisions,) if a], True
    if state == S.SHORTLISTED and f.notice_starts_on is None:
        return (_("Put the shortlist under public notice."), [a for a in (decisions,) if a],
                True)
    if state == S.SHORTLISTED and f.today is not None and f.notice_ends_on is not None \
            and f.today > f.notice_ends_on:
        return (_("The notice has ended: publish the final list."),
                [a for a in (decisions,) if a], True)
    if state == S.SHORTLISTED:
        return (_("Under public notice until %(end)s: handle any objection; publish after the "
                  "notice ends.", end=_day(f.notice_ends_on)), [a for a in (decisions,) if a],
                False)
    return _("Published on %(day)s.", day=_day(f.published_on)), [], False


# ---------------------------------------------------------------- evaluation filings


@dataclass(frozen=True)
class FilingFacts:
    id: int
    state: str
    deadline: datetime | None = None
    conclusion: str | None = None
    concluded_on: date | None = None
    reason: str | None = None  # the latest return comment or conclusion reason


def _filing_where(state: T) -> tuple[str, str]:
    if state in (T.NOT_STARTED, T.DRAFT, T.RETURNED):
        return "filling_in", CURRENT
    if state == T.SUBMITTED:
        return "submitted", CURRENT
    if state in (T.CONFIRMED, T.STATUS_CHANGED):
        return "confirmed", CURRENT
    return "concluded", DONE


def filing_progress(facts: FilingFacts, role: Role | str) -> Progress:
    state = T(facts.state)
    current, status = _filing_where(state)
    steps = _steps(current, status, FILING_KEYS, FILING_STEPS)
    if state == T.CONCLUDED:
        steps = [Step(s.key, s.label, DONE) for s in steps]
    text, actions, mine = _filing_next(facts, state, Role(role))
    return Progress(steps=steps, headline=str(state.label), next_text=text, actions=actions,
                    mine=mine)


def _filing_next(f: FilingFacts, state: T, role: Role) -> tuple[str, list[Action], bool]:
    deadline = _day(f.deadline)
    if state == T.CONCLUDED:
        return _("Concluded on %(day)s: %(conclusion)s.", day=_day(f.concluded_on),
                 conclusion=Conclusion.label_of(f.conclusion)), [], False
    if role == Role.APPLICANT:
        if state in (T.NOT_STARTED, T.DRAFT):
            return (_("Fill in the evaluation and submit it before %(deadline)s.",
                      deadline=deadline),
                    [Action(_("Fill in the evaluation"), url_for(
                        "applicant.evaluation", task_id=f.id))], True)
        if state == T.RETURNED:
            return (_("Revise the filing as the province asked and submit it again before "
                      "%(deadline)s.", deadline=deadline),
                    [Action(_("Revise the evaluation"), url_for(
                        "applicant.evaluation", task_id=f.id))], True)
        if state == T.SUBMITTED:
            return _("Your provincial department confirms it next."), [], False
        return _("The ministry concludes the evaluation next."), [], False
    if role == Role.PROVINCE:
        page = url_for("province.evaluation", task_id=f.id)
        if state == T.SUBMITTED:
            return (_("Confirm the filing, or return it for revision."),
                    [Action(_("Open the filing"), page)], True)
        if state in (T.NOT_STARTED, T.DRAFT, T.RETURNED):
            return (_("The demonstration fills in its evaluation (deadline %(deadline)s). If "
                      "its business status changed, record that with the local department's "
                      "written explanation.", deadline=deadline),
                    [Action(_("Open the filing"), page)], False)
        return _("The ministry concludes the evaluation next."), [], False
    if role == Role.MINISTRY:
        page = url_for("ministry.evaluation", task_id=f.id)
        if state in (T.CONFIRMED, T.STATUS_CHANGED):
            return (_("Conclude the evaluation: qualified, rectification required or title "
                      "revoked."), [Action(_("Conclude"), page)], True)
        if state == T.SUBMITTED:
            return _("With the provincial department for confirmation."), [], False
        return (_("The demonstration fills in its evaluation (deadline %(deadline)s).",
                  deadline=deadline), [], False)
    return "", [], False


# ---------------------------------------------------------------- facts from the database


def facts_of(declaration) -> DeclarationFacts:
    """The facts of one declaration (a handful of small queries, for its own page)."""
    from smplatform.models import (
        DeclarationAttachment,
        Inspection,
        PublicNotice,
        Recommendation,
        ReviewAssignment,
        UnitSubmission,
    )
    from smplatform.rules import annex1
    from smplatform.services.deadlines import applicant_deadline
    d = declaration
    stamped = db.session.scalar(select(DeclarationAttachment.id).where(
        DeclarationAttachment.declaration_id == d.id,
        DeclarationAttachment.kind == annex1.STAMPED_SCAN.key).limit(1)) is not None
    recommended = db.session.scalar(select(Recommendation.id).where(
        Recommendation.declaration_id == d.id)) is not None
    submitted = db.session.scalar(select(UnitSubmission.state).where(
        UnitSubmission.batch_id == d.batch_id, UnitSubmission.unit_code == d.unit_code))
    reviews = dict(db.session.execute(
        select(ReviewAssignment.state, func.count()).where(
            ReviewAssignment.declaration_id == d.id).group_by(ReviewAssignment.state)).all())
    inspected = db.session.scalar(select(Inspection.id).where(
        Inspection.declaration_id == d.id).limit(1)) is not None
    notice = db.session.scalar(select(PublicNotice).where(PublicNotice.batch_id == d.batch_id))
    reason, returned_by_city = None, False
    for event in reversed(d.events):
        if event.action in ("return", "reject", "city_return"):
            reason, returned_by_city = event.comment, event.action == "city_return"
            break
    return DeclarationFacts(
        id=d.id, state=d.state, category=d.category, number=d.electronic_number,
        deadline=applicant_deadline(d.batch, d.unit_code), stamped_uploaded=stamped,
        stamped_confirmed=d.stamped_confirmed_at is not None, recommended=recommended,
        unit_submitted=submitted == "submitted",
        reviews_assigned=sum(n for s, n in reviews.items() if s != ReviewState.DECLINED),
        reviews_submitted=reviews.get(ReviewState.SUBMITTED, 0), inspected=inspected,
        notice_starts_on=notice.starts_on if notice else None,
        notice_ends_on=notice.ends_on if notice else None,
        published_on=clock.china(notice.published_at).date()
        if notice and notice.published_at else None,
        batch_id=d.batch_id, reason=reason, today=clock.china(clock.now()).date(),
        returned_by_city=returned_by_city)


def filing_facts_of(task) -> FilingFacts:
    return FilingFacts(id=task.id, state=task.state, deadline=task.campaign.deadline,
                       conclusion=task.conclusion,
                       concluded_on=clock.china(task.concluded_at).date()
                       if task.concluded_at else None, reason=task.conclusion_reason)
