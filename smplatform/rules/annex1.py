"""Annex 1, the declaration form (申报书), as data: one definition per category.

The online form, its validation, the completeness check, the PDF and the blank forms are all
generated from these definitions, so they can never drift apart. Labels carry both languages
here (the rules layer has no Flask); `Text.get(lang)` picks one.

Values are stored flat in Declaration.data: one key per field; year figures use
`<row>_<year>` keys (e.g. `operating_revenue_2022`). Money is in 10,000 yuan (万元) for
enterprises and platforms and 100 million yuan (亿元) for cities, as strings of decimals.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

YEARS = (2020, 2021, 2022)
LOW_SERVICE_SHARE = 30  # per cent; "in principle" above it: below is flagged, never blocked


@dataclass(frozen=True)
class Text:
    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang.startswith("en") else self.zh


@dataclass(frozen=True)
class Choice:
    value: str
    label: Text


@dataclass(frozen=True)
class Field:
    """One input. kind: text, textarea, date, money, integer, choice, multichoice, check,
    email, mobile, credit_code, url."""

    name: str
    label: Text
    kind: str = "text"
    required: bool = True
    max_length: int | None = None
    choices: tuple[Choice, ...] = ()
    help: Text | None = None
    # Required only when another field has a given value: (field name, value).
    required_if: tuple[str, str] | None = None
    # Filled from the organisation's registration when a declaration starts.
    prefill: str | None = None


@dataclass(frozen=True)
class YearRow:
    name: str
    label: Text
    kind: str = "money"  # money or integer
    unit: Text | None = None
    total: bool = True  # show a three-year total


@dataclass(frozen=True)
class YearTable:
    """Three years of figures. Each row yields fields `<row>_<year>` (all required)."""

    name: str
    label: Text
    rows: tuple[YearRow, ...]
    years: tuple[int, ...] = YEARS
    # The enterprise table computes the service-revenue share per year.
    share: tuple[str, str] | None = None  # (numerator row, denominator row)

    def field_names(self) -> list[str]:
        return [f"{row.name}_{year}" for row in self.rows for year in self.years]

    def cell(self, row: YearRow, year: int) -> Field:
        """The field of one row and year (`<row>_<year>`), labelled with its year."""
        return Field(f"{row.name}_{year}",
                     Text(f"{row.label.zh}（{year}年）", f"{row.label.en} ({year})"),
                     kind=row.kind)


@dataclass(frozen=True)
class Section:
    key: str
    title: Text
    items: tuple[Field | YearTable, ...]
    intro: Text | None = None

    def fields(self) -> list[Field]:
        """The plain fields of this section (year tables expanded into money/integer fields)."""
        return list(self._fields)

    @cached_property
    def _fields(self) -> tuple[Field, ...]:
        # Worked out once per section (the definitions never change): every save and every
        # section page asks for each section's fields, the progress list for all of them.
        out: list[Field] = []
        for item in self.items:
            if isinstance(item, YearTable):
                out.extend(item.cell(row, year) for row in item.rows for year in item.years)
            else:
                out.append(item)
        return tuple(out)


@dataclass(frozen=True)
class AttachmentKind:
    key: str
    label: Text
    required: bool
    help: Text | None = None


@dataclass(frozen=True)
class FormDefinition:
    category: str
    title: Text
    sections: tuple[Section, ...]
    attachments: tuple[AttachmentKind, ...] = field(default=())

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def fields(self) -> list[Field]:
        return [f for s in self.sections for f in s.fields()]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields() if f.name == name), None)

    def section_of(self, name: str) -> str | None:
        for s in self.sections:
            if any(f.name == name for f in s.fields()):
                return s.key
        return None


T = Text


def _choices(*pairs: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(v, T(zh, en)) for v, zh, en in pairs)


SERVICE_MODELS = _choices(
    ("customised", "定制化服务", "Customised services"),
    ("supply_chain", "供应链管理", "Supply chain management"),
    ("inspection", "检验检测认证服务", "Inspection, testing and certification services"),
    ("lifecycle", "全生命周期管理", "Whole life-cycle management"),
    ("general_contracting", "总集成总承包", "Integrated general contracting"),
    ("energy_environment", "节能环保服务", "Energy-saving and environmental services"),
    ("productive_finance", "生产性金融服务", "Productive financial services"),
    ("other", "其他", "Other"),
)
OWNERSHIP = _choices(
    ("state_owned", "国有", "State-owned"),
    ("private", "民营", "Private"),
    ("foreign", "外资", "Foreign-invested"),
    ("joint_venture", "合资", "Joint venture"),
    ("other", "其他", "Other"),
)
SHARED_FOCUS = _choices(
    ("resource_release", "制造资源在线发布", "Online release of manufacturing resources"),
    ("order_matching", "订单匹配", "Order matching"),
    ("production_management", "生产管理", "Production management"),
    ("payment_security", "支付保障", "Payment security"),
    ("credit_evaluation", "信用评价", "Credit evaluation"),
)
PLATFORM_CLASSES = _choices(
    ("shared_manufacturing", "共享制造类", "Shared manufacturing"),
    ("other", "其他类", "Other"),
)
CITY_CLASSES = _choices(
    ("comprehensive", "综合类", "Comprehensive"),
    ("industrial_design", "工业设计特色类", "Industrial design characteristic"),
)

WAN = T("万元", "10,000 yuan")
YI = T("亿元", "100 million yuan")


def _basic(org_label: Text) -> Section:
    return Section("basic", T("基本信息", "Basic information"), (
        Field("org_name", org_label, max_length=200, prefill="org_name"),
        Field("credit_code", T("统一社会信用代码", "Unified social credit code"),
              kind="credit_code", prefill="credit_code"),
        Field("registered_address", T("注册地址", "Registered address"), max_length=200),
        Field("established_on", T("成立日期", "Date of establishment"), kind="date"),
        Field("registered_capital", T("注册资本（万元）", "Registered capital (10,000 yuan)"),
              kind="money"),
        Field("ownership", T("所有制性质", "Ownership type"), kind="choice", choices=OWNERSHIP),
        Field("industry", T("所属行业", "Industry"), max_length=100),
        Field("legal_representative", T("法定代表人", "Legal representative"), max_length=50),
    ))


def _city_basic() -> Section:
    return Section("basic", T("基本信息", "Basic information"), (
        Field("org_name", T("申报单位（城市工业和信息化主管部门）",
                            "Applicant (the city's industry and IT department)"),
              max_length=200, prefill="org_name"),
        Field("credit_code", T("统一社会信用代码", "Unified social credit code"),
              kind="credit_code", prefill="credit_code"),
        Field("city_name", T("城市", "City"), max_length=50, prefill="city_name"),
        Field("registered_address", T("通信地址", "Postal address"), max_length=200),
        Field("legal_representative", T("单位负责人", "Head of the department"), max_length=50),
    ))


CONTACT = Section("contact", T("联系人", "Contact person"), (
    Field("contact_name", T("联系人姓名", "Contact name"), max_length=50, prefill="contact_name"),
    Field("contact_title", T("职务", "Title"), max_length=50),
    Field("contact_mobile", T("手机", "Mobile"), kind="mobile", prefill="contact_mobile"),
    Field("contact_email", T("电子邮箱", "E-mail"), kind="email", prefill="contact_email"),
))


def _narratives(*items: tuple[str, str, str, int]) -> Section:
    return Section("narrative", T("申报材料正文", "Narrative"), tuple(
        Field(name, T(zh, en), kind="textarea", max_length=limit) for name, zh, en, limit in items
    ), intro=T("请如实、简明地填写，每项有字数上限。",
               "Write truthfully and concisely; each part has a character limit."))


ATTESTATIONS = Section("attestations", T("申报条件与真实性承诺", "Conditions and pledge"), (
    Field("cond_registered", T("在中华人民共和国境内注册，具备独立法人资格",
                               "Registered in the People's Republic of China, with independent "
                               "legal personality"), kind="check"),
    Field("cond_operations", T("运营和财务状况良好", "Good operational and financial status"),
          kind="check"),
    Field("cond_no_accident", T("2021年1月1日以来未发生重大质量、环保、安全事故",
                                "No major quality, environmental or safety accident since "
                                "1 January 2021"), kind="check"),
    Field("cond_no_violation", T("无违法违规行为，无正在接受调查的涉嫌违法违规行为",
                                 "No illegal acts, and no suspected violation under review"),
          kind="check"),
    Field("pledge", T("本单位承诺所填报内容及提交材料真实、准确、完整，如有不实，愿承担相应责任。",
                      "We pledge that everything declared and submitted is true, accurate and "
                      "complete, and accept responsibility for any untruth."), kind="check"),
))

_COMMON_ATTACHMENTS = (
    AttachmentKind("business_licence", T("营业执照（副本）扫描件", "Business licence (scan)"),
                   required=True),
    AttachmentKind("audit_report", T("近三年财务审计报告", "Audit reports of the last 3 years"),
                   required=True),
    AttachmentKind("evidence", T("其他证明材料", "Supporting evidence"), required=False),
)

ENTERPRISE = FormDefinition("enterprise", T("服务型制造示范企业申报书",
                                            "Declaration: demonstration enterprise"), (
    _basic(T("企业名称", "Enterprise name")),
    CONTACT,
    Section("model", T("服务型制造模式", "Service model"), (
        Field("service_model", T("主要服务模式", "Main service model"), kind="choice",
              choices=SERVICE_MODELS),
        Field("service_model_other", T("其他模式说明", "Describe the other model"),
              max_length=100, required=False, required_if=("service_model", "other")),
    )),
    Section("figures", T("经营数据", "Figures"), (
        YearTable("finance", T("近三年经营情况", "The last three years"), (
            YearRow("operating_revenue", T("营业收入", "Operating revenue"), unit=WAN),
            YearRow("service_revenue", T("服务收入", "Service revenue"), unit=WAN),
            YearRow("profit", T("利润总额", "Total profit"), unit=WAN),
            YearRow("rd_spend", T("研发投入", "R&D spending"), unit=WAN),
            YearRow("employees", T("从业人员（人）", "Employees"), kind="integer",
                    total=False),
        ), share=("service_revenue", "operating_revenue")),
    ), intro=T("服务收入占营业收入比重原则上应达30%以上。",
               "Service revenue should in principle exceed 30% of operating revenue.")),
    _narratives(
        ("basic_situation", "企业基本情况", "Basic situation", 1500),
        ("practices", "主要做法与创新", "Main practices and innovations", 3000),
        ("results", "取得成效（含数据）", "Results, with figures", 2000),
        ("cases", "典型案例", "Typical cases", 2000),
        ("demonstration_value", "示范推广价值", "Demonstration value", 1000),
        ("next_steps", "下一步工作计划", "Next steps", 1000),
    ),
    ATTESTATIONS,
), attachments=_COMMON_ATTACHMENTS)

PLATFORM = FormDefinition("platform", T("服务型制造示范平台申报书",
                                        "Declaration: demonstration platform"), (
    _basic(T("平台运营单位名称", "Platform operator")),
    CONTACT,
    Section("model", T("平台类别与服务", "Class and services"), (
        Field("platform_name", T("平台名称", "Platform name"), max_length=100),
        Field("platform_url", T("平台网址", "Platform address (URL)"), kind="url",
              max_length=200),
        Field("platform_class", T("平台类别", "Platform class"), kind="choice",
              choices=PLATFORM_CLASSES),
        Field("launch_date", T("正式上线运营日期", "Date of formal operation"), kind="date",
              help=T("截至申报日正式运营须满2年。",
                     "Must be at least 2 years before the reporting date.")),
        Field("shared_focus", T("共享制造重点领域", "Shared manufacturing focus areas"),
              kind="multichoice", choices=SHARED_FOCUS, required=False,
              required_if=("platform_class", "shared_manufacturing")),
        Field("service_model", T("主要服务模式", "Main service model"), kind="choice",
              choices=SERVICE_MODELS, required=False, required_if=("platform_class", "other")),
    )),
    Section("figures", T("运营数据", "Figures"), (
        YearTable("operations", T("近三年运营情况", "The last three years"), (
            YearRow("users", T("注册用户数（个）", "Registered users"), kind="integer",
                    total=False),
            YearRow("enterprises_served", T("服务企业数（家）", "Enterprises served"),
                    kind="integer", total=False),
            YearRow("transaction_volume", T("平台交易额", "Transaction volume"), unit=WAN),
            YearRow("platform_revenue", T("平台营业收入", "Platform revenue"), unit=WAN),
        )),
    )),
    _narratives(
        ("basic_situation", "平台基本情况", "Basic situation", 1500),
        ("practices", "主要做法与创新", "Main practices and innovations", 3000),
        ("results", "取得成效（含数据）", "Results, with figures", 2000),
        ("cases", "典型案例", "Typical cases", 2000),
        ("demonstration_value", "示范推广价值", "Demonstration value", 1000),
        ("next_steps", "下一步工作计划", "Next steps", 1000),
    ),
    ATTESTATIONS,
), attachments=_COMMON_ATTACHMENTS)

CITY = FormDefinition("city", T("服务型制造示范城市申报书", "Declaration: demonstration city"), (
    _city_basic(),
    CONTACT,
    Section("model", T("城市类别", "City class"), (
        Field("city_class", T("申报类别", "Class"), kind="choice", choices=CITY_CLASSES),
        Field("demo_enterprises", T("工信部服务型制造示范企业数（家）",
                                    "MIIT demonstration enterprises in the city"),
              kind="integer", required=False, required_if=("city_class", "comprehensive")),
        Field("demo_platforms", T("工信部服务型制造示范平台数（个）",
                                  "MIIT demonstration platforms in the city"),
              kind="integer", required=False, required_if=("city_class", "comprehensive")),
        Field("demo_projects", T("工信部服务型制造示范项目数（个）",
                                 "MIIT demonstration projects in the city"),
              kind="integer", required=False, required_if=("city_class", "comprehensive")),
        Field("design_centres", T("国家级工业设计中心数（家）",
                                  "National industrial design centres in the city"),
              kind="integer", required=False, required_if=("city_class", "industrial_design")),
    )),
    Section("figures", T("经济数据", "Figures"), (
        YearTable("economy", T("近三年经济情况", "The last three years"), (
            YearRow("gdp", T("地区生产总值", "GDP"), unit=YI, total=False),
            YearRow("manufacturing_value_added", T("制造业增加值", "Manufacturing value added"),
                    unit=YI, total=False),
            YearRow("som_revenue", T("制造业企业服务收入", "Service revenue of manufacturers"),
                    unit=YI, total=False),
        )),
    )),
    _narratives(
        ("basic_situation", "城市服务型制造发展基本情况", "Basic situation", 2000),
        ("policies", "政策措施与工作机制", "Policies and measures", 3000),
        ("practices", "主要做法与创新", "Main practices and innovations", 3000),
        ("results", "取得成效（含数据）", "Results, with figures", 2000),
        ("demonstration_value", "示范推广价值", "Demonstration value", 1000),
        ("next_steps", "下一步工作计划", "Next steps", 1000),
    ),
    ATTESTATIONS,
), attachments=(
    AttachmentKind("policy_documents", T("政策文件", "Policy documents"), required=True),
    AttachmentKind("evidence", T("其他证明材料", "Supporting evidence"), required=False),
))

FORMS: dict[str, FormDefinition] = {f.category: f for f in (ENTERPRISE, PLATFORM, CITY)}

# The stamped copy is uploaded after the province passes the declaration; not a form field.
STAMPED_SCAN = AttachmentKind("stamped_scan", T("盖章申报书扫描件", "Stamped declaration (scan)"),
                              required=False)


def definition(category: str) -> FormDefinition:
    return FORMS[category]


def service_share(data: dict, year: int) -> float | None:
    """Service revenue as a percentage of operating revenue in a year, or None if unknown."""
    try:
        service = float(data.get(f"service_revenue_{year}") or "")
        revenue = float(data.get(f"operating_revenue_{year}") or "")
    except ValueError:
        return None
    if revenue <= 0:
        return None
    return round(service / revenue * 100, 2)


def low_service_share(data: dict) -> bool:
    """True when the latest year's share is known and below 30% (flag, never block)."""
    share = service_share(data, YEARS[-1])
    return share is not None and share < LOW_SERVICE_SHARE
