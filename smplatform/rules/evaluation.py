"""Evaluation of the demonstrations of batches 1–4 (评估): vocabularies, the state table (a
rules/workflow.py Workflow), the progress columns, the filing's fields and their checks, and
the registry file's row checks. Pure: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from smplatform.enums import LabelledEnum, Role
from smplatform.rules import credit_code as credit
from smplatform.rules.spreadsheet import looks_like_formula
from smplatform.rules.workflow import Workflow, step
from smplatform.translation import label as _l

# ---------------------------------------------------------------- vocabularies

# The year each earlier batch was published (batch 1 in 2017 ... batch 4 in 2022).
BATCH_YEARS = {1: 2017, 2: 2018, 3: 2021, 4: 2022}


class DemoCategory(LabelledEnum):
    """What a demonstration of batches 1–4 is. Earlier batches also had projects (示范项目)."""

    ENTERPRISE = "enterprise"
    PLATFORM = "platform"
    PROJECT = "project"
    CITY = "city"

    @classmethod
    def _labels(cls):
        return {
            cls.ENTERPRISE: _l("Demonstration enterprise"),
            cls.PLATFORM: _l("Demonstration platform"),
            cls.PROJECT: _l("Demonstration project"),
            cls.CITY: _l("Demonstration city"),
        }


# Category words accepted in an import file, in either language.
CATEGORY_WORDS = {
    "enterprise": DemoCategory.ENTERPRISE, "示范企业": DemoCategory.ENTERPRISE,
    "企业": DemoCategory.ENTERPRISE,
    "platform": DemoCategory.PLATFORM, "示范平台": DemoCategory.PLATFORM,
    "平台": DemoCategory.PLATFORM,
    "project": DemoCategory.PROJECT, "示范项目": DemoCategory.PROJECT,
    "项目": DemoCategory.PROJECT,
    "city": DemoCategory.CITY, "示范城市": DemoCategory.CITY, "城市": DemoCategory.CITY,
}


class EntryStatus(LabelledEnum):
    ACTIVE = "active"
    REVOKED = "revoked"

    @classmethod
    def _labels(cls):
        return {cls.ACTIVE: _l("Demonstration"), cls.REVOKED: _l("Title revoked")}


class BusinessStatus(LabelledEnum):
    """A changed business status: the entity cannot file (吊销, 注销, 停业, 清算)."""

    REVOKED = "revoked"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"
    LIQUIDATION = "liquidation"

    @classmethod
    def _labels(cls):
        return {
            cls.REVOKED: _l("Business licence revoked"),
            cls.CANCELLED: _l("Deregistered"),
            cls.SUSPENDED: _l("Business suspended"),
            cls.LIQUIDATION: _l("In liquidation"),
        }


class Conclusion(LabelledEnum):
    QUALIFIED = "qualified"
    RECTIFICATION = "rectification"
    REVOKED = "revoked"

    @classmethod
    def _labels(cls):
        return {
            cls.QUALIFIED: _l("Qualified"),
            cls.RECTIFICATION: _l("Rectification required"),
            cls.REVOKED: _l("Title revoked"),
        }


class TaskState(LabelledEnum):
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    CONFIRMED = "confirmed"
    STATUS_CHANGED = "status_changed"
    CONCLUDED = "concluded"

    @classmethod
    def _labels(cls):
        return {
            cls.NOT_STARTED: _l("Not started"),
            cls.DRAFT: _l("Draft"),
            cls.SUBMITTED: _l("Submitted, awaiting provincial confirmation"),
            cls.RETURNED: _l("Returned for revision"),
            cls.CONFIRMED: _l("Confirmed by the province"),
            cls.STATUS_CHANGED: _l("Business status changed"),
            cls.CONCLUDED: _l("Concluded"),
        }


class TaskAction(LabelledEnum):
    """The steps of a filing's way (TRANSITIONS below), as its history shows them."""

    SAVE = "save"
    SUBMIT = "submit"
    CONFIRM = "confirm"
    RETURN = "return"
    MARK_STATUS_CHANGED = "mark_status_changed"
    UNDO_STATUS_CHANGE = "undo_status_change"
    CONCLUDE = "conclude"

    @classmethod
    def _labels(cls):
        return {
            cls.SAVE: _l("Save draft"),
            cls.SUBMIT: _l("Submit"),
            cls.CONFIRM: _l("Confirm the filing"),
            cls.RETURN: _l("Return for revision"),
            cls.MARK_STATUS_CHANGED: _l("Mark the business status as changed"),
            cls.UNDO_STATUS_CHANGE: _l("Undo the business status mark"),
            cls.CONCLUDE: _l("Conclude the evaluation"),
        }


EDITABLE_TASK_STATES = frozenset({TaskState.NOT_STARTED, TaskState.DRAFT, TaskState.RETURNED})


class Progress(LabelledEnum):
    """The four columns of the progress views."""

    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    STATUS_CHANGED = "status_changed"

    @classmethod
    def _labels(cls):
        return {
            cls.NOT_STARTED: _l("Not started"),
            cls.DRAFT: _l("Draft"),
            cls.SUBMITTED: _l("Submitted"),
            cls.STATUS_CHANGED: _l("Business status changed"),
        }


# Which states each progress column counts: the one mapping both ways (progress_of and the
# lists filtered by progress read it). Every state is in exactly one column.
PROGRESS_STATES: dict[Progress, frozenset[TaskState]] = {
    Progress.NOT_STARTED: frozenset({TaskState.NOT_STARTED}),
    Progress.DRAFT: frozenset({TaskState.DRAFT, TaskState.RETURNED}),
    Progress.SUBMITTED: frozenset({TaskState.SUBMITTED, TaskState.CONFIRMED,
                                   TaskState.CONCLUDED}),
    Progress.STATUS_CHANGED: frozenset({TaskState.STATUS_CHANGED}),
}
_PROGRESS_OF = {state: progress for progress, states in PROGRESS_STATES.items()
                for state in states}
if set(_PROGRESS_OF) != set(TaskState) or len(_PROGRESS_OF) != sum(
        map(len, PROGRESS_STATES.values())):
    raise ValueError("every task state belongs in exactly one progress column")


def progress_of(state: TaskState | str) -> Progress:
    """The progress column a task in `state` is counted in."""
    return _PROGRESS_OF[TaskState(state)]


def states_in(progress: Progress | str) -> frozenset[TaskState]:
    """The states a progress column counts (a list filtered by progress)."""
    return PROGRESS_STATES[Progress(progress)]


# ---------------------------------------------------------------- the state table

S = TaskState
A = TaskAction
WORKFLOW = Workflow(states=TaskState, actions=TaskAction, rows=(
    # The demonstration fills in its filing; saving keeps a returned filing returned.
    step(S.NOT_STARTED, A.SAVE, S.DRAFT, Role.APPLICANT),
    step(S.DRAFT, A.SAVE, S.DRAFT, Role.APPLICANT),
    step(S.RETURNED, A.SAVE, S.RETURNED, Role.APPLICANT),
    step(S.DRAFT, A.SUBMIT, S.SUBMITTED, Role.APPLICANT),
    step(S.RETURNED, A.SUBMIT, S.SUBMITTED, Role.APPLICANT),
    # The province confirms or returns; it marks an entity whose business status changed.
    step(S.SUBMITTED, A.CONFIRM, S.CONFIRMED, Role.PROVINCE),
    step(S.SUBMITTED, A.RETURN, S.RETURNED, Role.PROVINCE),
    step(S.NOT_STARTED, A.MARK_STATUS_CHANGED, S.STATUS_CHANGED, Role.PROVINCE),
    step(S.DRAFT, A.MARK_STATUS_CHANGED, S.STATUS_CHANGED, Role.PROVINCE),
    step(S.RETURNED, A.MARK_STATUS_CHANGED, S.STATUS_CHANGED, Role.PROVINCE),
    # A mark made in error is undone, with a reason, before the ministry concludes: the
    # filing is a draft again, with everything the demonstration had entered.
    step(S.STATUS_CHANGED, A.UNDO_STATUS_CHANGE, S.DRAFT, Role.PROVINCE),
    # The ministry concludes a confirmed filing, or a status-changed entity's explanation.
    step(S.CONFIRMED, A.CONCLUDE, S.CONCLUDED, Role.MINISTRY),
    step(S.STATUS_CHANGED, A.CONCLUDE, S.CONCLUDED, Role.MINISTRY),
))


# ---------------------------------------------------------------- the filing's fields

INDICATOR_YEARS = (2020, 2021, 2022)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object
    unit: object
    integer: bool = False


INDICATORS = (
    Indicator("operating_revenue", _l("Operating revenue"), _l("10,000 yuan")),
    Indicator("service_revenue", _l("Service revenue"), _l("10,000 yuan")),
)
PLATFORM_INDICATORS = (
    Indicator("users_served", _l("Users served"), _l("enterprises"), integer=True),
    Indicator("transaction_volume", _l("Transaction volume"), _l("10,000 yuan")),
)


@dataclass(frozen=True)
class Narrative:
    key: str
    label: object
    limit: int


NARRATIVES = (
    Narrative("practices", _l("Main practices"), 2000),
    Narrative("results", _l("Results, with figures"), 2000),
    Narrative("demonstration_effect", _l("Demonstration effect"), 1500),
    Narrative("problems", _l("Problems"), 1000),
    Narrative("plans", _l("Plans for the next three years"), 1000),
)
MAX_NUMBER = Decimal("1e12")


def indicators_for(category: DemoCategory | str) -> tuple[Indicator, ...]:
    if DemoCategory(category) == DemoCategory.PLATFORM:
        return INDICATORS + PLATFORM_INDICATORS
    return INDICATORS


def field_keys(category: DemoCategory | str) -> list[str]:
    keys = [f"{i.key}_{y}" for i in indicators_for(category) for y in INDICATOR_YEARS]
    return keys + [n.key for n in NARRATIVES]


class FieldProblem(LabelledEnum):
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    TOO_LARGE = "too_large"
    NOT_INTEGER = "not_integer"
    TOO_LONG = "too_long"
    SERVICE_EXCEEDS = "service_exceeds"
    MISSING = "missing"

    @classmethod
    def _labels(cls):
        return {
            cls.NOT_A_NUMBER: _l("Enter a number."),
            cls.NEGATIVE: _l("The number cannot be negative."),
            cls.TOO_LARGE: _l("The number is too large."),
            cls.NOT_INTEGER: _l("Enter a whole number."),
            cls.TOO_LONG: _l("The text is longer than allowed."),
            cls.SERVICE_EXCEEDS: _l("Service revenue cannot exceed operating revenue."),
            cls.MISSING: _l("Required before submission."),
        }


def _number(raw: str, integer: bool) -> tuple[str | None, FieldProblem | None]:
    text = raw.replace(",", "").replace("，", "").strip()
    if not text:
        return None, None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return raw, FieldProblem.NOT_A_NUMBER
    if not value.is_finite():
        return raw, FieldProblem.NOT_A_NUMBER
    if value < 0:
        return raw, FieldProblem.NEGATIVE
    if value >= MAX_NUMBER:
        return raw, FieldProblem.TOO_LARGE
    if integer and value != value.to_integral_value():
        return raw, FieldProblem.NOT_INTEGER
    return format(value.normalize(), "f"), None


def clean(raw: dict, category: DemoCategory | str) -> tuple[dict, dict[str, FieldProblem]]:
    """Normalise the posted values of a filing. Returns (values, problems by key).

    Drafts may be incomplete: empty values are kept empty. Values with problems are kept as
    typed (so the form shows them) but the problems block saving.
    """
    values: dict = {}
    problems: dict[str, FieldProblem] = {}
    for indicator in indicators_for(category):
        for year in INDICATOR_YEARS:
            key = f"{indicator.key}_{year}"
            value, problem = _number(str(raw.get(key) or ""), indicator.integer)
            values[key] = value
            if problem:
                problems[key] = problem
    for year in INDICATOR_YEARS:
        op, sv = f"operating_revenue_{year}", f"service_revenue_{year}"
        if op not in problems and sv not in problems and values[op] and values[sv] \
                and Decimal(values[sv]) > Decimal(values[op]):
            problems[sv] = FieldProblem.SERVICE_EXCEEDS
    for narrative in NARRATIVES:
        text = str(raw.get(narrative.key) or "").replace("\r\n", "\n").strip()
        values[narrative.key] = text
        if len(text) > narrative.limit:
            problems[narrative.key] = FieldProblem.TOO_LONG
    return values, problems


def service_share(values: dict, year: int) -> Decimal | None:
    """Service revenue as a percentage of operating revenue, one decimal, or None."""
    op, sv = values.get(f"operating_revenue_{year}"), values.get(f"service_revenue_{year}")
    if not op or not sv or Decimal(op) == 0:
        return None
    return (Decimal(sv) * 100 / Decimal(op)).quantize(Decimal("0.1"))


def missing_fields(values: dict, category: DemoCategory | str) -> list[str]:
    """The keys still empty: a filing is complete when this list is empty."""
    return [key for key in field_keys(category) if not values.get(key)]


# ---------------------------------------------------------------- registry file rows

REGISTRY_COLUMNS = ("batch", "year", "category", "name", "credit_code", "unit_code",
                    "city_code", "class")
# Header words accepted in either language.
HEADER_WORDS = {
    "batch": "batch", "批次": "batch",
    "year": "year", "年份": "year",
    "category": "category", "类别": "category",
    "name": "name", "名称": "name",
    "credit_code": "credit_code", "统一社会信用代码": "credit_code",
    "unit_code": "unit_code", "推荐单位代码": "unit_code", "unit": "unit_code",
    "city_code": "city_code", "城市代码": "city_code", "city": "city_code",
    "class": "class", "类型": "class", "service_model": "class", "服务模式": "class",
}
REQUIRED_COLUMNS = ("batch", "category", "name", "unit_code")


class RowProblem(LabelledEnum):
    MISSING_NAME = "missing_name"
    NAME_TOO_LONG = "name_too_long"
    BAD_BATCH = "bad_batch"
    BAD_YEAR = "bad_year"
    BAD_CATEGORY = "bad_category"
    BAD_CREDIT_CODE = "bad_credit_code"
    UNKNOWN_UNIT = "unknown_unit"
    MISSING_CITY = "missing_city"
    CITY_NOT_IN_UNIT = "city_not_in_unit"
    DUPLICATE = "duplicate"
    MISSING_COLUMN = "missing_column"
    UNREADABLE = "unreadable"
    FORMULA = "formula"

    @classmethod
    def _labels(cls):
        return {
            cls.MISSING_NAME: _l("The name is missing."),
            cls.NAME_TOO_LONG: _l("The name is longer than 200 characters."),
            cls.BAD_BATCH: _l("The batch must be a number from 1 to 4."),
            cls.BAD_YEAR: _l("The year does not match the batch."),
            cls.BAD_CATEGORY: _l("The category must be enterprise, platform, project or city."),
            cls.BAD_CREDIT_CODE: _l("This is not a valid unified social credit code."),
            cls.UNKNOWN_UNIT: _l("No provincial-level unit has this code."),
            cls.MISSING_CITY: _l("A demonstration city needs its city code."),
            cls.CITY_NOT_IN_UNIT: _l("This city does not belong to the unit."),
            cls.DUPLICATE: _l("This demonstration appears more than once in the file."),
            cls.MISSING_COLUMN: _l("A required column is missing."),
            cls.UNREADABLE: _l("The file cannot be read as CSV or XLSX."),
            cls.FORMULA: _l("The text starts with =, +, -, @, a tab or a line break, which "
                            "spreadsheets read as a formula. Remove that character."),
        }


@dataclass(frozen=True)
class RegistryRow:
    line: int
    batch: int
    year: int
    category: DemoCategory
    name: str
    credit_code: str | None
    unit_code: str
    city_code: str | None
    klass: str | None

    def match_key(self) -> tuple:
        """Rows naming the same demonstration: by credit code, city code, or else the name."""
        if self.category == DemoCategory.CITY and self.city_code:
            return (self.batch, str(self.category), "city", self.city_code)
        if self.credit_code:
            return (self.batch, str(self.category), "code", self.credit_code)
        return (self.batch, str(self.category), "name", self.name)


def check_row(line: int, raw: dict, *, cities: dict[str, str], units: set[str]
              ) -> tuple[RegistryRow | None, list[tuple[int, str, RowProblem]]]:
    """Check one file row against the reference data (`cities`: city code → unit code).

    Returns the row (None when it has problems) and its problems as (line, column, problem).
    """
    problems: list[tuple[int, str, RowProblem]] = []
    get = lambda k: str(raw.get(k) or "").strip()  # noqa: E731
    name = get("name")
    if not name:
        problems.append((line, "name", RowProblem.MISSING_NAME))
    elif len(name) > 200:
        problems.append((line, "name", RowProblem.NAME_TOO_LONG))
    # Free text is shown on pages and written to exports: never a spreadsheet formula.
    problems.extend((line, key, RowProblem.FORMULA) for key in ("name", "class")
                    if looks_like_formula(str(raw.get(key) or "").lstrip(" ")))
    batch_text = get("batch").removesuffix(".0")
    batch = int(batch_text) if batch_text.isdigit() else None
    if batch not in BATCH_YEARS:
        problems.append((line, "batch", RowProblem.BAD_BATCH))
    year_text = get("year").removesuffix(".0")
    year = BATCH_YEARS.get(batch) if batch else None
    if year_text:
        if not year_text.isdigit() or (year is not None and int(year_text) != year):
            problems.append((line, "year", RowProblem.BAD_YEAR))
    category = CATEGORY_WORDS.get(get("category").lower())
    if category is None:
        problems.append((line, "category", RowProblem.BAD_CATEGORY))
    code = credit.normalise(get("credit_code")) or None
    if code and credit.problem(code) is not None:
        problems.append((line, "credit_code", RowProblem.BAD_CREDIT_CODE))
    unit = get("unit_code").removesuffix(".0")
    if unit not in units:
        problems.append((line, "unit_code", RowProblem.UNKNOWN_UNIT))
    city = get("city_code").removesuffix(".0") or None
    if category == DemoCategory.CITY and not city:
        problems.append((line, "city_code", RowProblem.MISSING_CITY))
    elif city and unit in units and cities.get(city) != unit:
        problems.append((line, "city_code", RowProblem.CITY_NOT_IN_UNIT))
    if problems:
        return None, problems
    return RegistryRow(line=line, batch=batch, year=year, category=category, name=name,
                       credit_code=code, unit_code=unit, city_code=city,
                       klass=get("class") or None), []


def check_rows(rows: list[tuple[int, dict]], *, cities: dict[str, str], units: set[str]
               ) -> tuple[list[RegistryRow], list[tuple[int, str, RowProblem]]]:
    """Check every row, then look for the same demonstration twice in the file."""
    good: list[RegistryRow] = []
    problems: list[tuple[int, str, RowProblem]] = []
    seen: dict[tuple, int] = {}
    for line, raw in rows:
        row, found = check_row(line, raw, cities=cities, units=units)
        problems.extend(found)
        if row is None:
            continue
        key = row.match_key()
        if key in seen:
            problems.append((line, "name", RowProblem.DUPLICATE))
            continue
        seen[key] = line
        good.append(row)
    return good, problems


def field_labels(category: DemoCategory | str) -> dict[str, str]:
    """Every field key of a filing with a readable label (for conflicts and summaries)."""
    labels = {f"{i.key}_{y}": f"{i.label} {y}" for i in indicators_for(category)
              for y in INDICATOR_YEARS}
    labels.update({n.key: str(n.label) for n in NARRATIVES})
    return labels
