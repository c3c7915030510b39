"""The demo's national picture, played through the real services so that states, history,
audit entries and notifications agree (`flask seed-demo`, run by `make run`).

One story, told on the server's clock (each step runs at its own moment in the past):

- Batch 5 (2023), the fifth batch of the 2023 notice, on its real dates: declared, reviewed by
  the provinces, scored by experts, a city inspected, its shortlist under public notice in
  November 2023 (an objection upheld takes one off it) and its list published in December
  2023, when its demonstrations joined the registry of batches 1–4.
- Batch 6: declared in the first half of this year; its shortlist has been under public
  notice for two working days (objections can be sent now: one the ministry already
  dismissed, one from the public awaiting handling), scored with a strong disagreement, its
  city inspected.
- Batch 7: opened twenty days ago and open now, in eighteen provincial-level units:
  declarations in every state of the provincial stage (drafts, submitted, under review,
  returned with comments, rejected with a reason, passed with stamped copies to upload or
  confirm); Zhejiang has already sent its list, and the ministry has begun the expert review
  of it (reviews assigned, accepted, scored; a city inspected and passed).
- The evaluation of batches 1–5, opened with batch 7: filings in every state, from not
  started (reminded) to concluded (qualified, rectification required, title revoked).

Batch years are those of their provinces' deadlines. Story e-mails count as delivered (they
belong to its past). The story is loaded only into a database without batches; the demo
accounts (demo.py) are ensured separately.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select, update

from smplatform import clock
from smplatform.demo_content import Org, credit_code, filing_data, form_data
from smplatform.enums import OrgType, Role
from smplatform.extensions import db
from smplatform.models import (
    Batch,
    Declaration,
    EvaluationTask,
    OutboxEmail,
    RegistryEntry,
    ReviewAssignment,
    User,
)
from smplatform.rules import annex1, rubric
from smplatform.rules.working_days import Calendar
from smplatform.services import (
    accounts,
    attachments,
    batches,
    evaluations,
    experts,
    liaison,
    objections,
    prefecture,
    recommendation,
    review,
    review_assignments,
    selection,
)
from smplatform.services import declarations as declaring

CST = clock.CHINA
ORG_TYPES = {"enterprise": OrgType.ENTERPRISE, "platform": OrgType.PLATFORM_OPERATOR,
             "city": OrgType.CITY_DEPARTMENT}

# The demo's experts beyond expert-1 and expert-2 (demo.py): each from another unit, so that
# every declaration can have three reviewers from outside its own unit.
EXPERTS = {
    "expert-1": ("中国信息通信研究院", "110000", ["customised_services", "shared_manufacturing"]),
    "expert-2": ("上海交通大学", "310000", ["supply_chain_management", "city_policy"]),
    "expert-3": ("华中科技大学", "420000", ["whole_life_cycle_management",
                                         "integrated_general_contracting"]),
    "expert-4": ("四川大学", "510000", ["inspection_testing_certification",
                                     "energy_saving_environmental"]),
    "expert-5": ("山东大学", "370000", ["productive_financial_services", "industrial_design"]),
    "expert-6": ("西安交通大学", "610000", ["shared_manufacturing", "city_policy",
                                         "customised_services"]),
}
EXPERT_NAMES = {"expert-3": "评审专家三", "expert-4": "评审专家四", "expert-5": "评审专家五",
                "expert-6": "评审专家六"}
# Provincial officers who act in the story besides the three demo officers.
OFFICERS = {
    "prov-320000": ("江苏省工业和信息化厅", "320000"),
    "prov-370000": ("山东省工业和信息化厅", "370000"),
    "prov-110000": ("北京市经济和信息化局", "110000"),
    "prov-310000": ("上海市经济和信息化委员会", "310000"),
    "prov-430000": ("湖南省工业和信息化厅", "430000"),
    "prov-340000": ("安徽省经济和信息化厅", "340000"),
    "prov-510000": ("四川省经济和信息化厅", "510000"),
    "prov-610000": ("陕西省工业和信息化厅", "610000"),
    "prov-410000": ("河南省工业和信息化厅", "410000"),
    "prov-350000": ("福建省工业和信息化厅", "350000"),
    "prov-420000": ("湖北省经济和信息化厅", "420000"),
}


def _o(key, name, unit, city, category, **kw) -> Org:
    return Org(key, name, unit, city, category, **kw)


# Batch 5 (2023): published in December 2023.
BATCH5 = [
    _o("b5-foshan-home", "佛山家居定制智造股份有限公司", "440000", "440600", "enterprise",
       industry="家具制造业", contact="黄志强"),
    _o("b5-nanjing-design", "南京工业设计服务平台有限公司", "320000", "320100", "platform",
       klass="other", model="customised", industry="工业设计服务", contact="周敏"),
    _o("b5-yichang", "宜昌市经济和信息化局", "420000", "420500", "city",
       klass="comprehensive", contact="李军", extra={"city_name": "宜昌市"}),
    _o("b5-hefei", "合肥江淮智能服务股份有限公司", "340000", "340100", "enterprise",
       model="lifecycle", industry="汽车制造业", contact="王磊"),
    _o("b5-chengdu", "成都西部共享制造平台有限公司", "510000", "510100", "platform",
       klass="shared_manufacturing", industry="机械加工", contact="杨帆"),
    _o("b5-xian", "西安秦川精密机械股份有限公司", "610000", "610100", "enterprise",
       model="general_contracting", industry="专用设备制造业", contact="赵明"),
    _o("b5-zhengzhou", "郑州宇华客车服务有限公司", "410000", "410100", "enterprise",
       model="lifecycle", industry="汽车制造业", contact="孙浩"),
    _o("b5-fuzhou", "福州闽江智造有限公司", "350000", "350100", "enterprise",
       model="supply_chain", industry="电气机械和器材制造业", contact="林晓"),
]
# Batch 6: its shortlist under public notice now.
BATCH6 = [
    _o("b6-suzhou", "苏州纳米智造股份有限公司", "320000", "320500", "enterprise",
       model="customised", industry="新材料", contact="钱进"),
    _o("b6-jining", "济宁市工业和信息化局", "370000", "370800", "city",
       klass="comprehensive", contact="孔德明", extra={"city_name": "济宁市"}),
    _o("b6-guangzhou", "广州云链供应链管理有限公司", "440000", "440100", "platform",
       klass="other", model="supply_chain", industry="供应链服务", contact="梁文"),
    _o("b6-beijing", "北京精雕数控服务有限公司", "110000", "110000", "enterprise",
       model="lifecycle", industry="通用设备制造业", contact="张华"),
    _o("b6-shanghai", "上海申能环保服务股份有限公司", "310000", "310000", "enterprise",
       model="energy_environment", industry="节能环保", contact="陆佳"),
    _o("b6-xiangtan", "湘潭电机智能服务有限公司", "430000", "430300", "enterprise",
       model="general_contracting", industry="电气机械和器材制造业", contact="彭涛"),
    _o("b6-quzhou", "衢州智造共享平台有限公司", "330000", "330800", "platform",
       klass="shared_manufacturing", industry="机械加工", contact="徐丽"),
]
# Batch 7: open now.
BATCH7 = [
    _o("enterprise-demo", "广州示范装备制造股份有限公司", "440000", None, "enterprise",
       contact="李明", extra={"address": "广州市黄埔区科学大道1号", "city_name": "广州市"}),
    _o("city-demo", "佛山市工业和信息化局", "440000", "440600", "city", klass="comprehensive",
       contact="陈刚", extra={"city_name": "佛山市"}),
    _o("platform-demo", "深圳共享智造平台科技有限公司", "440300", None, "platform",
       klass="shared_manufacturing", contact="王芳", industry="电子信息"),
    _o("b7-dongguan", "东莞智联电子科技有限公司", "440000", "441900", "enterprise",
       model="customised", industry="计算机、通信和其他电子设备制造业", contact="何静"),
    _o("b7-zhuhai", "珠海格美精密制造有限公司", "440000", "440400", "enterprise",
       model="inspection", industry="仪器仪表制造业", contact="邓超"),
    _o("b7-zhongshan", "中山云织服装供应链有限公司", "440000", "442000", "platform",
       klass="other", model="supply_chain", industry="纺织服装", contact="冯雪"),
    _o("b7-huizhou", "惠州德创新能源股份有限公司", "440000", "441300", "enterprise",
       model="energy_environment", industry="电池制造", contact="曾勇"),
    _o("b7-shantou", "汕头协同制造平台有限公司", "440000", "440500", "platform",
       klass="shared_manufacturing", industry="玩具制造", contact="蔡琳"),
    _o("b7-jiangmen", "江门海融机电有限公司", "440000", "440700", "enterprise",
       model="customised", industry="电气机械和器材制造业", contact="谭伟", share=24),
    _o("b7-shenzhen-test", "深圳市鹏城检测认证股份有限公司", "440300", None, "enterprise",
       model="inspection", industry="检验检测", contact="钟宁"),
    _o("b7-wenzhou", "温州瓯越阀门集团有限公司", "330000", "330300", "enterprise",
       model="lifecycle", industry="通用设备制造业", contact="潘晓东"),
    _o("b7-huzhou", "湖州市经济和信息化局", "330000", "330500", "city",
       klass="comprehensive", contact="沈建", extra={"city_name": "湖州市"}),
    _o("b7-shaoxing", "绍兴柯桥纺织云平台有限公司", "330000", "330600", "platform",
       klass="shared_manufacturing", industry="纺织", contact="陈佳琪"),
    _o("b7-jinhua", "金华五金工具制造有限公司", "330000", "330700", "enterprise",
       model="supply_chain", industry="金属制品业", contact="楼宇"),
    _o("b7-taizhou", "台州智能缝制设备股份有限公司", "330000", "331000", "enterprise",
       model="customised", industry="专用设备制造业", contact="林海"),
    _o("b7-changzhou", "常州天合智造股份有限公司", "320000", "320400", "enterprise",
       model="energy_environment", industry="光伏设备", contact="吴刚"),
    _o("b7-weifang", "潍坊华动力机械股份有限公司", "370000", "370700", "enterprise",
       model="lifecycle", industry="内燃机制造", contact="于洋"),
    _o("b7-deyang", "德阳重装服务科技有限公司", "510000", "510600", "enterprise",
       model="general_contracting", industry="重型机械", contact="罗强"),
    _o("b7-xiangyang", "襄阳市经济和信息化局", "420000", "420600", "city",
       klass="industrial_design", contact="马骏", extra={"city_name": "襄阳市"}),
    _o("b7-beijing", "北京工联云制造平台有限公司", "110000", "110000", "platform",
       klass="other", model="customised", industry="工业互联网", contact="高远"),
    _o("b7-shanghai", "上海临港精工科技股份有限公司", "310000", "310000", "enterprise",
       model="customised", industry="航空航天装备", contact="顾晨"),
    _o("b7-hefei", "合肥智慧家电服务有限公司", "340000", "340100", "enterprise",
       model="lifecycle", industry="家用电器制造业", contact="方圆"),
    _o("b7-fuzhou", "福州海峡纺织供应链股份有限公司", "350000", "350100", "enterprise",
       model="supply_chain", industry="纺织业", contact="郑凯"),
    _o("b7-luoyang", "洛阳轴承智造服务股份有限公司", "410000", "410300", "enterprise",
       model="lifecycle", industry="轴承制造", contact="郭亮"),
    _o("b7-zhuzhou", "株洲轨道装备服务有限公司", "430000", "430200", "enterprise",
       model="general_contracting", industry="铁路运输设备制造", contact="唐宁"),
    _o("b7-xian", "西安航联检测认证有限公司", "610000", "610100", "enterprise",
       model="inspection", industry="检验检测", contact="白雪"),
    _o("b7-xiamen", "厦门港湾供应链科技有限公司", "350200", "350200", "platform",
       klass="other", model="supply_chain", industry="供应链服务", contact="许晴"),
    _o("b7-qingdao", "青岛海创工业互联网平台有限公司", "370200", "370200", "platform",
       klass="shared_manufacturing", industry="工业互联网", contact="刘洋"),
    _o("b7-chongqing", "重庆两江智能制造服务有限公司", "500000", "500000", "enterprise",
       model="customised", industry="汽车制造业", contact="冉军"),
    _o("b7-shenyang", "沈阳东方重工服务有限公司", "210000", "210100", "enterprise",
       model="general_contracting", industry="重型机械", contact="关勇"),
    # Registered with their city, Guangzhou: after Guangdong turned on the prefecture tier,
    # their declarations go to Guangzhou's initial review first (city-440100).
    _o("b7-guangzhou-equip", "广州穗智装备科技有限公司", "440000", "440100", "enterprise",
       model="customised", industry="专用设备制造业", contact="黎明",
       extra={"in_city": True, "city_name": "广州市"}),
    _o("b7-guangzhou-cloud", "广州羊城云制造平台有限公司", "440000", "440100", "platform",
       klass="other", model="supply_chain", industry="工业互联网", contact="区静",
       extra={"in_city": True, "city_name": "广州市"}),
]
# Registry demonstrations (demo_registry.csv) that file their evaluation in the story, with
# the state their filing reaches: (user name, registry name, state, extra).
FILERS = [
    ("eval-gz-smart", "广州智能装备有限公司", "qualified"),
    ("eval-fs-precision", "佛山精密机械股份有限公司", "confirmed"),
    ("eval-hz-material", "杭州新材料股份有限公司", "rectification"),
    ("eval-jx-electric", "嘉兴电气有限公司", "submitted"),
    ("eval-sz-parts", "苏州汽车零部件股份有限公司", "qualified"),
    ("eval-wx-appliance", "无锡家电股份有限公司", "returned"),
    ("eval-zz-machinery", "郑州工程机械股份有限公司", "revoked"),
    ("eval-sz-precision", "深圳精密机械股份有限公司", "draft"),
    ("eval-sh-smart", "上海智能装备有限公司", "confirmed"),
]


class Story:
    """The story's actors, its clock and the steps it takes through the services."""

    def __init__(self, password: str, password_hash: str, today: date):
        self.password = password
        self.hash = password_hash
        self.today = today
        self.calendar = Calendar()
        self._now: datetime | None = None
        self.users: dict[str, User] = {}
        self.declarations: dict[str, Declaration] = {}
        self._n = 100

    # ---- time

    def at(self, day: date, hour: int = 10, minute: int = 0) -> None:
        """Run the next steps at this moment (China Standard Time) of `day`."""
        self._now = datetime.combine(day, time(hour, minute), tzinfo=CST).astimezone(UTC)

    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    # ---- people

    def user(self, username: str) -> User:
        if username not in self.users:
            self.users[username] = db.session.scalar(
                select(User).where(User.username == username))
        return self.users[username]

    def staff(self, username: str, name: str, role: Role, unit: str | None = None) -> User:
        if self.user(username) is None:
            self.users[username] = accounts.create_staff_user(
                actor=None, username=username, display_name=name,
                email=f"{username}@example.gov.cn", role=role, password=self.password,
                unit_code=unit, password_hash=self.hash,
                must_change_password=False)
        return self.users[username]

    def organisation(self, org: Org) -> User:
        """The organisation's first user (registered now if it is not yet)."""
        user = self.user(org.key)
        if user is None:
            self._n += 1
            code = org.credit_code or credit_code(self._n * 37, org.unit,
                                                  city_department=org.category == "city")
            user = self.users[org.key] = accounts.register_organisation(
                org_type=ORG_TYPES[org.category], name=org.name, credit_code=code,
                unit_code=org.unit,
                city_code=org.city if org.category == "city" or org.extra.get("in_city")
                else None,
                contact_name=org.contact, contact_mobile=f"1380013{self._n:04d}",
                contact_email=f"{org.key}@example.com", username=org.key,
                password=self.password, password_hash=self.hash)
        return user

    # ---- declaring

    def declare(self, org: Org, batch: Batch, *, sections: tuple[str, ...] | None = None,
                attach: bool = True) -> Declaration:
        """Start the declaration and fill it in (every section, or only `sections`)."""
        user = self.organisation(org)
        d = declaring.start(actor=user, batch=batch, category=org.category, klass=org.klass,
                            service_model=org.model if org.category == "enterprise" or
                            org.klass == "other" else None,
                            attested={k: True for k in ("cond_registered", "cond_operations",
                                                        "cond_no_accident",
                                                        "cond_no_violation")},
                            launch_date="2019-06-01" if org.category == "platform" else None)
        data = {**d.data, **form_data(org)}
        for section in annex1.definition(org.category).sections:
            if sections is not None and section.key not in sections:
                continue
            raw = {f.name: data.get(f.name, "") for f in section.fields()}
            declaring.save_section(declaration=d, actor=user, section_key=section.key, raw=raw,
                                   base_version=d.version)
        if attach:
            for kind in annex1.definition(org.category).attachments:
                if kind.required:
                    attachments.upload(declaration=d, actor=user, kind=kind.key,
                                       stream=io.BytesIO(PDF), filename=f"{kind.label.zh}.pdf")
        self.declarations[org.key] = d
        return d

    def submit(self, org: Org) -> Declaration:
        d = self.declarations[org.key]
        declaring.submit(declaration=d, actor=self.organisation(org), base_version=d.version)
        return d

    def upload_stamped(self, org: Org) -> None:
        d = self.declarations[org.key]
        attachments.upload(declaration=d, actor=self.organisation(org),
                           kind=annex1.STAMPED_SCAN.key, stream=io.BytesIO(stamped_scan(
                               d.electronic_number)), filename="盖章申报书扫描件.png")

    # ---- the province

    def officer(self, unit: str) -> User:
        return self.user(f"prov-{unit}")

    def province_review(self, org: Org, outcome: str, comment: str | None = None,
                        sections: dict[str, str] | None = None) -> None:
        d, officer = self.declarations[org.key], self.officer(org.unit)
        review.start_review(actor=officer, declaration=d)
        if outcome == "pass":
            review.pass_declaration(actor=officer, declaration=d, comment=comment)
        elif outcome == "return":
            review.return_declaration(actor=officer, declaration=d, comment=comment,
                                      section_comments=sections or {})
        elif outcome == "reject":
            review.reject_declaration(actor=officer, declaration=d, reason=comment)

    def confirm_stamped(self, org: Org) -> None:
        review.confirm_stamped_copy(actor=self.officer(org.unit),
                                    declaration=self.declarations[org.key], number_matches=True)

    def contacts(self, batch: Batch, unit: str) -> None:
        liaison.add_contact(actor=self.officer(unit), batch=batch, name="张丽",
                            title="产业政策处副处长", phone="010-66000000", fax=None,
                            email=f"liaison-{unit}@example.gov.cn")

    def send_list(self, batch: Batch, unit: str, recommended: list[Org]) -> None:
        """Recommend, upload the stamped summary and submit the unit's list."""
        officer = self.officer(unit)
        for org in recommended:
            recommendation.add(actor=officer, declaration=self.declarations[org.key])
        recommendation.upload_summary(actor=officer, batch=batch, unit_code=unit,
                                      stream=io.BytesIO(PDF), filename="汇总表（盖章）.pdf")
        recommendation.submit(actor=officer, batch=batch, unit_code=unit)

    # ---- the ministry and its experts

    def score(self, expert: str, d: Declaration, level: int) -> None:
        """The expert accepts (no conflict) and submits scores around `level`."""
        row = db.session.scalar(select(ReviewAssignment).where(
            ReviewAssignment.declaration_id == d.id,
            ReviewAssignment.expert_id == self.user(expert).id))
        review_assignments.declare_no_conflict(actor=self.user(expert), review=row)
        criteria = rubric.rubric_for(d.category)
        scores = {c.key: max(0, min(100, level + (i % 3) * 2 - 2))
                  for i, c in enumerate(criteria)}
        comments = {"overall": "材料翔实，模式清晰，具有示范价值。" if level >= 75
                    else "服务收入占比依据不足，典型案例成效数据缺乏佐证。"}
        review_assignments.save_review(actor=self.user(expert), review=row, scores=scores,
                                       comments=comments, submit=True)

    def accept_only(self, expert: str, d: Declaration) -> None:
        row = db.session.scalar(select(ReviewAssignment).where(
            ReviewAssignment.declaration_id == d.id,
            ReviewAssignment.expert_id == self.user(expert).id))
        review_assignments.declare_no_conflict(actor=self.user(expert), review=row)

    def inspect(self, d: Declaration, day: date) -> None:
        selection.record_inspection(
            actor=self.user("ministry"), declaration=d, planned_on=day,
            team="李卫东（组长，工信部产业政策与法规司）、王静（专家）、赵海（省级主管部门）",
            items={k: "met" for k in selection.CHECKLIST},
            notes="现场查看了服务平台运行情况，抽查了服务合同和财务凭证，与申报材料一致。",
            conclusion="pass")


PDF = b""  # a one-page PDF, made once (see _pdf())


def _pdf() -> bytes:
    from pypdf import PdfWriter
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def stamped_scan(number: str) -> bytes:
    """A scan of a stamped cover: a red seal and the verification QR code of `number`."""
    import segno
    from PIL import Image, ImageDraw
    page = Image.new("L", (300, 420), 255)
    draw = ImageDraw.Draw(page)
    draw.ellipse((180, 270, 270, 360), outline=90, width=5)
    qr = io.BytesIO()
    segno.make(f"https://smplatform.example/verify?number={number}", error="m",
               mask=0).save(
        qr, kind="png", scale=3, border=2)
    page.paste(Image.open(io.BytesIO(qr.getvalue())).convert("L"), (20, 20))
    out = io.BytesIO()
    page.save(out, format="PNG")
    return out.getvalue()


@contextmanager
def _story_clock(story: Story) -> Iterator[None]:
    """The app's clock reads the story's moment while the story is told; restored after."""
    config = current_app.config
    missing = object()
    saved = config.get("CLOCK", missing)
    config["CLOCK"] = story.now
    try:
        yield
    finally:
        if saved is missing:
            config.pop("CLOCK", None)
        else:
            config["CLOCK"] = saved


def load(password: str, password_hash: str | None = None) -> bool:
    """Tell the story into a database that has no batch yet; False (nothing done) otherwise.
    `password_hash`: the demo password's hash, when the caller has it."""
    if db.session.scalar(select(Batch.id).limit(1)) is not None:
        return False
    global PDF
    PDF = PDF or _pdf()
    story = Story(password, password_hash or accounts.hash_password(password),
                  clock.china(clock.now()).date())
    with _story_clock(story):
        _people(story)
        _batch5(story)
        _batch6(story)
        _batch7(story)
        _evaluation(story)
    # The story's e-mails belong to its past: count them as delivered.
    db.session.execute(update(OutboxEmail).where(OutboxEmail.sent_at.is_(None))
                       .values(sent_at=OutboxEmail.created_at))
    db.session.flush()
    return True


def _people(s: Story) -> None:
    s.at(date(2023, 2, 20))
    for username, (org, unit, fields) in EXPERTS.items():
        user = s.staff(username, EXPERT_NAMES.get(username, username), Role.EXPERT)
        experts.save_expert_profile(actor=s.user("ministry"), user=user, organisation_name=org,
                                    organisation_credit_code=None, unit_code=unit,
                                    fields=fields, active=True)
    for username, (name, unit) in OFFICERS.items():
        s.staff(username, name, Role.PROVINCE, unit)


def _new_batch(s: Story, number: int, opens: date, contact: date, deadline: date,
               evaluation: date | None = None) -> Batch:
    end = lambda day: datetime.combine(day, time(23, 59, 59), tzinfo=CST)  # noqa: E731
    batch = batches.create_batch(
        actor=s.user("ministry"), number=number, year=deadline.year, name=None,
        opens_at=datetime.combine(opens, time(0, 0), tzinfo=CST), contact_deadline=end(contact),
        province_deadline=end(deadline), evaluation_deadline=end(evaluation or deadline))
    batches.open_batch(actor=s.user("ministry"), batch=batch)
    return batch


def _select(s: Story, batch: Batch, *, assign_on: date, scores: dict[str, list[int]],
            passed: list[str], failed: list[str], inspect: dict[str, date], decide_on: date,
            shortlist: list[str], not_selected: list[str]) -> None:
    """The ministry's selection of a batch, up to the decisions."""
    ministry = s.user("ministry")
    s.at(assign_on)
    review_assignments.assign_batch(actor=ministry, batch=batch, per_declaration=3)
    for key, levels in scores.items():
        d = s.declarations[key]
        reviewers = [r.expert.username for r in review_assignments.assignments_of(d)]
        for i, (expert, level) in enumerate(zip(reviewers, levels, strict=False)):
            s.at(assign_on + timedelta(days=6 + i))
            s.score(expert, d, level)
    s.at(assign_on + timedelta(days=15))
    for key in passed:
        review_assignments.record_expert_outcome(actor=ministry, declaration=s.declarations[key],
                                                 passed=True)
    for key in failed:
        review_assignments.record_expert_outcome(
            actor=ministry, declaration=s.declarations[key], passed=False,
            comment="专家评审平均分低于入围线。")
    for key, day in inspect.items():
        s.at(day)
        s.inspect(s.declarations[key], day)
    s.at(decide_on)
    for key in shortlist:
        selection.shortlist(actor=ministry, declaration=s.declarations[key])
    for key in not_selected:
        selection.not_shortlist(actor=ministry, declaration=s.declarations[key],
                                comment="综合评审排名未进入拟入选范围。")


def _batch5(s: Story) -> None:
    """The fifth batch of the 2023 notice, on its real dates, published in December 2023."""
    s.at(date(2023, 3, 1))
    batch = _new_batch(s, 5, date(2023, 3, 2), date(2023, 3, 20), date(2023, 5, 31))
    units = sorted({org.unit for org in BATCH5})
    s.at(date(2023, 3, 10))
    for unit in units:
        s.contacts(batch, unit)
    for i, org in enumerate(BATCH5):
        s.at(date(2023, 4, 3) + timedelta(days=i))
        s.declare(org, batch)
        s.submit(org)
    for i, org in enumerate(BATCH5):
        s.at(date(2023, 4, 20) + timedelta(days=i))
        s.province_review(org, "pass", "材料齐全，符合申报条件。")
        s.at(date(2023, 5, 4) + timedelta(days=i))
        s.upload_stamped(org)
        s.at(date(2023, 5, 15) + timedelta(days=i))
        s.confirm_stamped(org)
    for unit in units:
        s.at(date(2023, 5, 26))
        s.send_list(batch, unit, [org for org in BATCH5 if org.unit == unit])
    s.at(date(2023, 6, 1))
    batches.close_batch(actor=s.user("ministry"), batch=batch)
    everyone = [org.key for org in BATCH5]
    _select(s, batch, assign_on=date(2023, 6, 12),
            scores={key: [86, 82, 88] if key != "b5-fuzhou" else [64, 58, 61]
                    for key in everyone},
            passed=[k for k in everyone if k != "b5-fuzhou"], failed=["b5-fuzhou"],
            inspect={"b5-yichang": date(2023, 9, 12)}, decide_on=date(2023, 11, 6),
            shortlist=[k for k in everyone if k != "b5-fuzhou"], not_selected=[])
    ministry = s.user("ministry")
    s.at(date(2023, 11, 17))
    selection.start_notice(actor=ministry, batch=batch, starts_on=date(2023, 11, 20),
                           ends_on=date(2023, 11, 24))
    s.at(date(2023, 11, 23))
    selection.record_objection(
        actor=ministry, declaration=s.declarations["b5-zhengzhou"],
        received_on=date(2023, 11, 21),
        summary="实名反映：该企业申报的服务收入包含已剥离子公司的收入。",
        handling="经核查，申报服务收入中约三成属于2022年已剥离子公司，申报数据不实。",
        outcome="upheld")
    selection.remove_after_notice(actor=ministry, declaration=s.declarations["b5-zhengzhou"])
    s.at(date(2023, 11, 28))
    selection.publish(actor=ministry, batch=batch)


def _notice_start(s: Story) -> date:
    """The working day two working days before today: batch 6's notice began then."""
    day, seen = s.today, 0
    while True:
        day -= timedelta(days=1)
        if s.calendar.is_working_day(day):
            seen += 1
            if seen == 2:
                return day


def _batch6(s: Story) -> None:
    """Declared in the first half of the year; its shortlist under public notice now."""
    s.at(s.day(-201))
    batch = _new_batch(s, 6, s.day(-200), s.day(-185), s.day(-110))
    units = sorted({org.unit for org in BATCH6})
    s.at(s.day(-190))
    for unit in units:
        s.contacts(batch, unit)
    for i, org in enumerate(BATCH6):
        s.at(s.day(-170 + i))
        s.declare(org, batch)
        s.submit(org)
    for i, org in enumerate(BATCH6):
        s.at(s.day(-150 + i))
        s.province_review(org, "pass", "符合申报条件。")
        s.at(s.day(-140 + i))
        s.upload_stamped(org)
        s.at(s.day(-130 + i))
        s.confirm_stamped(org)
    for unit in units:
        s.at(s.day(-115))
        s.send_list(batch, unit, [org for org in BATCH6 if org.unit == unit])
    s.at(s.day(-109))
    batches.close_batch(actor=s.user("ministry"), batch=batch)
    everyone = [org.key for org in BATCH6]
    levels = {key: [84, 80, 86] for key in everyone}
    levels["b6-beijing"] = [92, 88, 61]  # the reviewers disagree strongly
    levels["b6-shanghai"] = [62, 66, 58]
    levels["b6-xiangtan"] = [74, 76, 72]
    _select(s, batch, assign_on=s.day(-95), scores=levels,
            passed=[k for k in everyone if k != "b6-shanghai"], failed=["b6-shanghai"],
            inspect={"b6-jining": s.day(-50)}, decide_on=s.day(-20),
            shortlist=["b6-suzhou", "b6-jining", "b6-guangzhou", "b6-beijing", "b6-quzhou"],
            not_selected=["b6-xiangtan"])
    starts = _notice_start(s)
    ends = s.calendar.last_of(starts, 8)
    ministry = s.user("ministry")
    s.at(starts - timedelta(days=1), 16)
    selection.start_notice(actor=ministry, batch=batch, starts_on=starts, ends_on=ends)
    s.at(starts, 15)
    selection.record_objection(
        actor=ministry, declaration=s.declarations["b6-suzhou"], received_on=starts,
        summary="来电反映：该企业部分专利系受让取得，质疑其研发能力。",
        handling="经核查，受让专利已在申报材料中如实说明，企业自有研发团队120人，异议不成立。",
        outcome="dismissed")
    s.at(s.today, 9)
    objections.receive(batch=batch, declaration=s.declarations["b6-guangzhou"],
                       name="陈先生", organisation="广州某物流企业", phone="020-38000000",
                       email="objector@example.com",
                       grounds="该平台申报的服务企业数中包含大量仅注册未交易的账户，"
                              "实际服务企业数明显少于申报数。")


def _batch7(s: Story) -> None:
    """Open now: every state of the provincial stage, and Zhejiang's list with the ministry."""
    o = {org.key: org for org in BATCH7}
    s.at(s.day(-21))
    batch = _new_batch(s, 7, s.day(-20), s.day(18), s.day(90))
    # Guangdong gives its applicants an earlier deadline than the national one.
    s.at(s.day(-19))
    liaison.set_applicant_deadline(actor=s.officer("440000"), batch=batch,
                                   deadline=datetime.combine(s.day(60), time(23, 59, 59),
                                                             tzinfo=CST))
    for unit in ("440000", "330000", "370000"):
        s.contacts(batch, unit)
    # Declarations: every organisation starts (a few leave it at a draft).
    drafts = {"enterprise-demo": ("basic",), "b7-deyang": None, "b7-fuzhou": None,
              "b7-xiamen": None, "b7-chongqing": ("basic", "contact", "model")}
    in_city = [org for org in BATCH7 if org.extra.get("in_city")]
    for i, org in enumerate(org for org in BATCH7 if org not in in_city):
        s.at(s.day(-18 + i % 6), 9 + i % 8)
        if org.key in drafts:
            s.declare(org, batch, sections=drafts[org.key], attach=drafts[org.key] is None)
            continue
        s.declare(org, batch)
        s.submit(org)
    # The provinces' review.
    s.at(s.day(-9))
    s.province_review(o["b7-zhuhai"], "start")
    s.province_review(o["b7-weifang"], "start")
    s.province_review(o["b7-zhuzhou"], "start")
    s.province_review(o["city-demo"], "pass", "材料齐全，请尽快报送盖章申报书。")
    s.province_review(o["b7-zhongshan"], "pass")
    s.province_review(o["b7-huizhou"], "pass")
    s.province_review(o["b7-beijing"], "pass")
    s.province_review(
        o["platform-demo"], "return", "请补充平台近三年交易额的统计口径说明。",
        sections={"figures": "交易额请区分撮合交易额与自营交易额，并与审计报告一致。",
                  "narrative": "典型案例请补充协作工厂数量和交付周期的具体数据。"})
    s.province_review(o["b7-shanghai"], "return",
                      "营业执照扫描件不清晰，请重新上传，并补充近三年审计报告全文。")
    s.province_review(o["b7-jiangmen"], "return",
                      "服务收入占比仅24%，请说明服务收入的构成及未达30%的原因。",
                      sections={"figures": "请核对服务收入是否包含产品销售收入。"})
    s.province_review(o["b7-shantou"], "reject",
                      "平台正式上线运营时间以营业执照经营范围变更日期为准，不足两年，不符合申报条件。")
    # Guangdong turns on the prefecture tier: Guangzhou's declarations go to the city first.
    s.at(s.day(-8), 9)
    prefecture.set_prefecture_review(
        actor=s.officer("440000"), batch=batch, enabled=True,
        city_deadline=datetime.combine(s.day(45), time(23, 59, 59), tzinfo=CST))
    for i, org in enumerate(in_city):
        s.at(s.day(-7 + 4 * i), 11)
        s.declare(org, batch)
        s.submit(org)
    s.at(s.day(-5), 15)
    prefecture.city_pass(actor=s.user("city-440100"),
                         declaration=s.declarations["b7-guangzhou-equip"],
                         comment="材料齐全，同意报送省级初审。")
    s.at(s.day(-6))
    s.upload_stamped(o["b7-zhongshan"])
    s.upload_stamped(o["b7-huizhou"])
    s.upload_stamped(o["b7-beijing"])
    s.at(s.day(-4))
    s.confirm_stamped(o["b7-huizhou"])
    s.confirm_stamped(o["b7-beijing"])
    recommendation.add(actor=s.officer("440000"), declaration=s.declarations["b7-huizhou"])
    # Zhejiang reviewed everything early and sent its list; the ministry began the review.
    zhejiang = [o[k] for k in ("b7-wenzhou", "b7-huzhou", "b7-shaoxing", "b7-jinhua",
                               "b7-taizhou")]
    s.at(s.day(-12))
    for org in zhejiang:
        s.province_review(org, "pass", "符合申报条件。")
    s.at(s.day(-11))
    for org in zhejiang:
        s.upload_stamped(org)
    s.at(s.day(-10), 15)
    for org in zhejiang:
        s.confirm_stamped(org)
    s.at(s.day(-9), 16)
    s.send_list(batch, "330000", [org for org in zhejiang if org.key != "b7-jinhua"])
    ministry = s.user("ministry")
    # Taizhou's declaration waits for reviewers (forwarded); the others are under review.
    plan = {"b7-wenzhou": ["expert-1", "expert-2", "expert-4"],
            "b7-huzhou": ["expert-3", "expert-5", "expert-6"],
            "b7-shaoxing": ["expert-3", "expert-4", "expert-6"]}
    s.at(s.day(-8))
    due = datetime.combine(s.day(12), time(23, 59, 59), tzinfo=CST).astimezone(UTC)
    for key, names in plan.items():
        for name in names:
            review_assignments.add_reviewer(actor=ministry, declaration=s.declarations[key],
                                            expert=s.user(name), due_at=due)
    s.at(s.day(-5))
    s.score("expert-5", s.declarations["b7-huzhou"], 87)
    s.score("expert-6", s.declarations["b7-huzhou"], 83)
    s.score("expert-3", s.declarations["b7-huzhou"], 85)
    s.score("expert-3", s.declarations["b7-shaoxing"], 91)
    s.score("expert-4", s.declarations["b7-shaoxing"], 86)
    s.score("expert-6", s.declarations["b7-shaoxing"], 57)  # a strong disagreement
    s.score("expert-4", s.declarations["b7-wenzhou"], 79)
    s.accept_only("expert-2", s.declarations["b7-wenzhou"])  # scoring; expert-1 to respond
    s.at(s.day(-3))
    review_assignments.record_expert_outcome(actor=ministry, declaration=s.declarations[
        "b7-huzhou"], passed=True)
    s.at(s.day(-2))
    s.inspect(s.declarations["b7-huzhou"], s.day(-2))


def _evaluation(s: Story) -> None:
    """The evaluation of batches 1–5, opened with batch 7: filings in every state."""
    ministry = s.user("ministry")
    batch = db.session.scalar(select(Batch).where(Batch.number == 7))
    s.at(s.day(-20), 11)
    evaluations.open_campaign(actor=ministry, batch=batch)
    entries = {e.name: e for e in db.session.scalars(select(RegistryEntry))}
    tasks = {t.entry_id: t for t in db.session.scalars(select(EvaluationTask))}

    def filer(username: str, entry: RegistryEntry) -> User:
        org = Org(username, entry.name, entry.unit_code, entry.city_code, entry.category,
                  credit_code=entry.credit_code)
        return s.organisation(org)

    def fill(user: User, task: EvaluationTask) -> None:
        evaluations.save_filing(actor=user, task=task,
                                raw=filing_data(task.entry.category, task.entry.name),
                                version=task.version)

    # The demo applicants: enterprise-demo has started its filing; platform-demo submitted.
    for username, state in (("enterprise-demo", "draft"), ("platform-demo", "submitted")):
        user = s.user(username)
        task = next((t for t in tasks.values() if t.entry.organisation_id
                     == user.organisation_id), None)
        if task is None:
            continue
        s.at(s.day(-12), 15)
        data = filing_data(task.entry.category, task.entry.name)
        if state == "draft":
            data = {k: v for k, v in data.items() if not k.startswith(("problems", "plans"))}
        evaluations.save_filing(actor=user, task=task, raw=data, version=task.version)
        if state == "submitted":
            evaluations.submit_filing(actor=user, task=task)
    for i, (username, name, state) in enumerate(FILERS):
        entry = entries.get(name)
        if entry is None:
            continue
        user, task = filer(username, entry), tasks[entry.id]
        s.at(s.day(-16 + i % 6), 10)
        fill(user, task)
        if state == "draft":
            continue
        s.at(s.day(-12 + i % 4), 14)
        evaluations.submit_filing(actor=user, task=task)
        officer = s.officer(entry.unit_code)
        s.at(s.day(-8 + i % 3), 10)
        if state == "returned":
            evaluations.return_filing(actor=officer, task=task,
                                      comment="请补充2022年服务收入的审计依据。")
            continue
        if state == "submitted":
            continue
        evaluations.confirm_filing(actor=officer, task=task, comment="数据与审计报告一致。")
        if state == "confirmed":
            continue
        s.at(s.day(-3 + i % 2), 16)
        reasons = {"rectification": "服务收入占比较获评时下降，请于六个月内提交整改报告。",
                   "revoked": "企业主营业务已转为贸易，不再符合服务型制造示范条件，撤销示范称号。"}
        evaluations.conclude(actor=ministry, task=task, conclusion=state,
                             reason=reasons.get(state))
    # A demonstration whose business status changed: the province records the explanation.
    entry = entries.get("济南纺织服饰有限公司")
    if entry is not None:
        s.at(s.day(-6), 11)
        evaluations.mark_status_changed(
            actor=s.officer("370000"), task=tasks[entry.id], status="cancelled",
            stream=io.BytesIO(PDF), filename="济南市工业和信息化局情况说明.pdf",
            comment="该企业已于2024年注销，附市工信局书面说明。")
    # The provinces remind those that have not started.
    s.at(s.day(-2), 9)
    for unit in ("440000", "330000", "320000"):
        evaluations.remind_not_started(actor=s.officer(unit), unit_code=unit)
