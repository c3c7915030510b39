"""What the demo's organisations declare: their names and places, and form contents that read
like real declarations (narratives, three years of figures). Used by demo_story.py only."""
from __future__ import annotations

from dataclasses import dataclass, field

from smplatform.rules import annex1
from smplatform.rules.credit_code import make as make_credit_code


@dataclass(frozen=True)
class Org:
    """A demo organisation: who it is, where, and what it declares."""

    key: str  # user name of its first user ("enterprise-demo", or a generated one)
    name: str
    unit: str  # provincial-level unit code
    city: str | None  # prefecture-level city code
    category: str  # what it declares: enterprise, platform or city
    klass: str | None = None  # platform or city class
    model: str | None = "customised"  # service model (enterprises; "other" platforms)
    contact: str = "张伟"
    industry: str = "通用设备制造业"
    credit_code: str | None = None  # given for registry demonstrations (links them)
    share: int = 42  # service revenue as a percentage of operating revenue
    scale: int = 80000  # operating revenue in 10,000 yuan
    extra: dict = field(default_factory=dict)


def credit_code(n: int, unit: str, *, city_department: bool = False) -> str:
    """A valid, unique unified social credit code for demo organisation number `n`."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = ""
    while n or len(body) < 7:
        body = alphabet[n % 31] + body
        n //= 31
    prefix = "11" if city_department else "91"
    return make_credit_code(f"{prefix}{unit}{'MB' if city_department else 'MC'}{body[-7:]}")


# ---------------------------------------------------------------- narratives

def _enterprise_texts(o: Org) -> dict[str, str]:
    short = o.name.replace("股份有限公司", "").replace("有限公司", "")
    return {
        "basic_situation": (
            f"{o.name}成立于2006年，主营{o.industry}相关产品，现有员工一千余人。公司坚持“制造+服务”"
            f"发展路径，近三年服务收入占营业收入比重保持在{o.share}%左右，已形成覆盖产品全生命周期的"
            "服务体系，获评省级服务型制造示范企业。"),
        "practices": (
            f"一是建设客户需求数据平台，{short}通过在线选配系统收集客户个性化需求，设计周期缩短40%；"
            "二是开展远程运维服务，在售设备接入工业互联网平台，实时监测运行状态，提供预测性维护；"
            "三是提供整体解决方案，从单一设备供应转向“设备+工程+运营”的总集成总承包服务；"
            "四是联合金融机构开展融资租赁，降低中小客户的一次性投入。"),
        "results": (
            f"近三年服务收入年均增长18%，{annex1.YEARS[-1]}年服务收入占比达{o.share}%；"
            "设备平均无故障运行时间提高35%，客户满意度达96%；带动上下游120余家配套企业转型。"),
        "cases": (
            "为某大型客户提供产线整体改造服务，通过数字孪生模拟优化工艺参数，产能提升22%，"
            "能耗下降15%，项目采用按效果付费模式，实现双方共赢。"),
        "demonstration_value": (
            "公司的“产品+服务+金融”模式可复制、可推广，适合同行业中型制造企业借鉴。"),
        "next_steps": (
            "未来三年，公司将加大服务平台投入，推动服务收入占比提升至50%以上，"
            "并牵头制定行业服务标准。"),
    }


def _platform_texts(o: Org) -> dict[str, str]:
    return {
        "basic_situation": (
            f"{o.name}运营的平台于2019年正式上线，聚焦{o.industry}领域，连接设计、加工、"
            "检测、物流等制造资源，注册企业用户逾万家。"),
        "practices": (
            "平台以“平台接单、工序分解、多工厂协同”为核心，建立产能共享池和信用评价体系；"
            "通过统一的订单管理和质量追溯系统，保障交付质量；提供供应链金融和支付保障服务。"),
        "results": (
            "近三年平台交易额年均增长35%，服务企业数翻了一番，平均订单交付周期缩短30%，"
            "设备利用率提升20个百分点。"),
        "cases": (
            "某中小企业通过平台将急单分解至五家协作工厂，七天完成原需二十天的订单，"
            "平台全过程监控质量并按节点结算。"),
        "demonstration_value": "平台模式可在产业集群地区推广，助力中小企业共享产能。",
        "next_steps": "下一步将拓展跨区域协同，接入更多专业服务商，完善信用评价。",
    }


def _city_texts(o: Org) -> dict[str, str]:
    city = o.extra.get("city_name", "本市")
    return {
        "basic_situation": (
            f"{city}制造业基础雄厚，近年来把发展服务型制造作为制造业高质量发展的重要抓手，"
            "全市服务型制造企业数量和服务收入持续增长。"),
        "policies": (
            f"{city}出台《关于加快发展服务型制造的实施意见》，设立专项资金，"
            "建立市级示范企业培育库，对获评国家级示范的企业给予奖励。"),
        "practices": (
            "一是培育服务型制造示范主体；二是建设公共服务平台；三是开展供需对接活动；"
            "四是加强人才培养和标准建设。"),
        "results": (
            "全市制造业企业服务收入占比三年提高6个百分点，培育省级以上示范企业和平台40余家。"),
        "demonstration_value": "形成了可复制的政策体系和工作机制。",
        "next_steps": "继续完善政策体系，推动更多企业向服务型制造转型。",
    }


def _figures(o: Org) -> dict[str, str]:
    data: dict[str, str] = {}
    growth = (0.86, 0.93, 1.0)
    if o.category == "enterprise":
        for year, g in zip(annex1.YEARS, growth, strict=True):
            revenue = round(o.scale * g)
            data[f"operating_revenue_{year}"] = str(revenue)
            data[f"service_revenue_{year}"] = str(round(revenue * (o.share - 2 + 2 * g) / 100))
            data[f"profit_{year}"] = str(round(revenue * 0.08))
            data[f"rd_spend_{year}"] = str(round(revenue * 0.045))
            data[f"employees_{year}"] = str(round(900 + 120 * g))
    elif o.category == "platform":
        for year, g in zip(annex1.YEARS, growth, strict=True):
            data[f"users_{year}"] = str(round(12000 * g))
            data[f"enterprises_served_{year}"] = str(round(3400 * g))
            data[f"transaction_volume_{year}"] = str(round(o.scale * 3 * g))
            data[f"platform_revenue_{year}"] = str(round(o.scale * 0.2 * g))
    else:
        for year, g in zip(annex1.YEARS, growth, strict=True):
            data[f"gdp_{year}"] = str(round(o.scale / 10 * g))
            data[f"manufacturing_value_added_{year}"] = str(round(o.scale / 30 * g))
            data[f"som_revenue_{year}"] = str(round(o.scale / 120 * g))
    return data


def form_data(o: Org) -> dict[str, object]:
    """Every field of the organisation's declaration, filled in as a real one would be."""
    data: dict[str, object] = {
        "registered_address": o.extra.get(
            "address", f"{o.extra.get('city_name', '')}高新区创新大道88号"),
        "legal_representative": o.extra.get("head", "刘建国"),
        "contact_title": "综合管理部部长" if o.category != "city" else "产业发展科科长",
        "pledge": "1",
        **{name: "1" for name in ("cond_registered", "cond_operations", "cond_no_accident",
                                  "cond_no_violation")},
    }
    if o.category != "city":
        data.update({"established_on": "2006-04-18", "registered_capital": "52000",
                     "ownership": "private", "industry": o.industry})
    if o.category == "enterprise":
        data.update({"service_model": o.model or "customised"})
        data.update(_enterprise_texts(o))
    elif o.category == "platform":
        data.update({"platform_name": o.extra.get("platform_name", o.name.replace("有限公司", "")
                                                  + "平台"),
                     "platform_url": "https://platform.example.com",
                     "platform_class": o.klass or "other", "launch_date": "2019-06-01"})
        if (o.klass or "other") == "shared_manufacturing":
            data["shared_focus"] = ["resource_release", "order_matching", "credit_evaluation"]
        else:
            data["service_model"] = o.model or "supply_chain"
        data.update(_platform_texts(o))
    else:
        data.update({"city_class": o.klass or "comprehensive"})
        if (o.klass or "comprehensive") == "comprehensive":
            data.update({"demo_enterprises": "6", "demo_platforms": "2", "demo_projects": "3"})
        else:
            data["design_centres"] = "4"
        data.update(_city_texts(o))
    data.update(_figures(o))
    return data


# ---------------------------------------------------------------- filings (evaluation)

def filing_data(category: str, name: str) -> dict[str, str]:
    """A complete evaluation filing for a demonstration of `category`."""
    from smplatform.rules.evaluation import INDICATOR_YEARS, NARRATIVES, indicators_for
    data: dict[str, str] = {}
    for indicator in indicators_for(category):
        for i, year in enumerate(INDICATOR_YEARS):
            base = {"operating_revenue": 60000, "service_revenue": 21000,
                    "users_served": 2400, "transaction_volume": 150000}.get(indicator.key, 5000)
            data[f"{indicator.key}_{year}"] = str(round(base * (1 + 0.08 * i)))
    texts = {
        "practices": f"{name}获评示范以来，持续完善服务体系，拓展全生命周期服务。",
        "results": "服务收入三年年均增长12%，服务收入占比稳步提高。",
        "demonstration_effect": "接待同行企业考察学习30余批次，带动区域内企业转型。",
        "problems": "高端服务人才不足，服务标准化程度有待提高。",
        "plans": "加快数字化服务平台建设，探索按效果付费等新模式。",
    }
    for narrative in NARRATIVES:
        data[narrative.key] = texts.get(narrative.key, "按要求填写。")
    return data
