"""Fill a database at national scale, fast, for the benchmarks.

    python bench/generate.py --database-url sqlite:////tmp/bench.sqlite3 --declarations 20000

Migrates the database, loads the 37 units (as `flask init-db` does), then inserts with
SQLAlchemy Core `insert()` over lists of dicts, in chunks (no ORM per row, no services):
organisations with valid credit codes and one applicant each, declarations in every unit,
category, class and state with realistic text lengths, their events, three attachment records
each (StoredFile rows only: the files themselves are NOT written), earlier demonstrations with
evaluation tasks, audit rows SEALED into the hash chain (so `flask verify-audit` passes),
recommendations and unit submissions for some units, and batch 5 open with deadlines ahead.

Named accounts for bench/run.py (password SMPLATFORM_BENCH_PASSWORD or Bench-Password-2023):
bench-applicant (a draft enterprise declaration, form filled), bench-autosave-01..NN (one
draft each, so that concurrent autosaves never conflict), bench-province (officer of 440000)
and bench-ministry (ministry admin). The database must be empty (a new SQLite file).
"""
from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
from datetime import date, datetime, timedelta, UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 2000
AUTOSAVE_ACCOUNTS = 50
# Share of declarations per category, and of the unit 440000 (Guangdong: thousands).
CATEGORY_WEIGHTS = {"enterprise": 80, "platform": 12, "city": 8}
BIG_UNIT, BIG_SHARE = "440000", 0.15
STATE_WEIGHTS = {"draft": 30, "submitted": 22, "under_review": 14, "returned": 6,
                 "rejected": 3, "passed": 22, "not_recommended": 3}
PASSWORD = os.environ.get("SMPLATFORM_BENCH_PASSWORD", "Bench-Password-2023")

_HAN = ("服务型制造是制造与服务融合发展的新型产业形态企业通过创新优化生产组织形式运营管理方式和商业"
        "发展模式不断增加服务要素在投入和产出中的比重从以加工组装为主向制造服务并重转变从单纯出售产品"
        "向出售产品服务系统转变有利于延伸和提升价值链提高全要素生产率产品附加值和市场占有率本公司围绕"
        "客户需求提供定制化设计供应链管理检验检测认证全生命周期管理总集成总承包节能环保生产性金融等服"
        "务年度营业收入持续增长研发投入不断加大建成工业互联网平台服务上下游企业数百家")


def text_of(rng: random.Random, n: int) -> str:
    """n characters of Chinese-looking prose (slices of a fixed pool, cheap)."""
    pool = _HAN * 4
    out, left = [], n
    while left > 0:
        start = rng.randrange(len(_HAN))
        take = min(left, rng.randrange(20, 120))
        out.append(pool[start:start + take])
        left -= take
        if left > 1:
            out.append("。")
            left -= 1
    return "".join(out)[:n]


def form_data(rng: random.Random, category: str, org: dict, klass, service_model,
              *, long_text: bool = True) -> dict:
    """Every field of the category's form filled with a valid value, as the service stores it."""
    from smplatform.rules import annex1
    data: dict = {}
    for f in annex1.definition(category).fields():
        kind = f.kind
        if kind == "textarea":
            limit = f.max_length or 3000
            n = rng.randint(min(200, limit), limit) if long_text else min(50, limit)
            value = text_of(rng, n)
        elif kind == "text":
            value = text_of(rng, min(f.max_length or 30, rng.randint(4, 30)))
        elif kind == "date":
            value = date(rng.randint(1995, 2018), rng.randint(1, 12),
                         rng.randint(1, 28)).isoformat()
        elif kind == "money":
            value = f"{rng.randint(100, 900000)}.00"
        elif kind == "integer":
            value = str(rng.randint(20, 20000))
        elif kind == "email":
            value = org["contact_email"]
        elif kind == "mobile":
            value = org["contact_mobile"]
        elif kind == "url":
            value = f"https://www.example{rng.randint(1, 99999)}.com.cn"
        elif kind == "credit_code":
            value = org["credit_code"]
        elif kind == "check":
            value = "1"
        elif kind == "choice":
            value = rng.choice(f.choices).value if f.choices else ""
        elif kind == "multichoice":
            value = [c.value for c in f.choices if rng.random() < 0.5] or [f.choices[0].value]
        else:
            value = ""
        if f.required or f.required_if is None:
            data[f.name] = value
    if category == "enterprise":
        for year in annex1.YEARS:
            revenue = rng.randint(5000, 5_000_000)
            data[f"operating_revenue_{year}"] = f"{revenue}.00"
            data[f"service_revenue_{year}"] = f"{int(revenue * rng.uniform(0.15, 0.7))}.00"
        data["service_model"] = service_model
    elif category == "platform":
        data["platform_class"] = klass
        data["launch_date"] = "2019-06-01"
    elif category == "city":
        data["city_class"] = klass
    data.pop("service_model_other", None)
    return data


def credit_code(i: int) -> str:
    from smplatform.rules.credit_code import make
    # 91 (enterprise, company) + 6-digit area + 9 characters of organisation code.
    return make(f"91440000{i:09d}")


class Inserter:
    """Buffers rows per table and inserts them in chunks with Core executemany."""

    def __init__(self, conn):
        self.conn = conn
        self.rows: dict = {}
        self.counts: dict = {}

    def add(self, table, row: dict) -> None:
        buf = self.rows.setdefault(table, [])
        buf.append(row)
        if len(buf) >= CHUNK:
            self.flush()  # every table, parents first (in the order they were first seen)

    def flush(self, table=None) -> None:
        from sqlalchemy import insert
        for t in ([table] if table is not None else list(self.rows)):
            buf = self.rows.get(t)
            if buf:
                keys = set().union(*buf)
                buf = [{k: row.get(k) for k in keys} for row in buf]
                self.conn.execute(insert(t), buf)
                self.counts[t.name] = self.counts.get(t.name, 0) + len(buf)
                self.rows[t] = []


def generate(url: str, n: int, seed: int = 5) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SMPLATFORM_CONFIG", "development")
    from flask_migrate import upgrade
    from sqlalchemy import select, text

    from smplatform import create_app, clock
    from smplatform.extensions import db
    from smplatform.models import (AuditChainHead, AuditEntry, Batch, BatchQuota, City,
                                   Declaration, DeclarationAttachment, DeclarationContent,
                                   DeclarationEvent,
                                   EvaluationCampaign, EvaluationTask, Organisation,
                                   Recommendation, RegistryEntry, StoredFile, Unit,
                                   UnitSubmission, User)
    from smplatform.rules import numbering
    from smplatform.rules import quotas as quota_rules
    from smplatform.rules.audit_chain import GENESIS, entry_payload, link
    from smplatform.services.accounts import hash_password
    from smplatform.services.reference import load_reference_data

    rng = random.Random(seed)
    app = create_app({"CONFIG": "development", "SQLALCHEMY_DATABASE_URI": url})
    counts: dict = {}
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_reference_data()
        db.session.commit()
        if db.session.scalar(select(Declaration.id).limit(1)) is not None:
            raise SystemExit("The database already holds declarations: give a new one.")
        units = {u.code: u.kind for u in db.session.scalars(select(Unit))}
        cities: dict[str, list[str]] = {}
        for c in db.session.scalars(select(City)):
            cities.setdefault(c.unit_code, []).append(c.code)
        T = {m.__table__.name: m.__table__ for m in (
            Organisation, User, Declaration, DeclarationContent, DeclarationEvent, StoredFile,
            DeclarationAttachment, RegistryEntry, EvaluationCampaign, EvaluationTask,
            AuditEntry, Batch, BatchQuota, UnitSubmission, Recommendation)}
        now = clock.now()
        midnight = datetime(now.year, now.month, now.day, tzinfo=clock.CHINA)
        engine = db.engine
        bench_hash = hash_password(PASSWORD)
        other_hash = hash_password(secrets.token_urlsafe(16))
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.execute(text("PRAGMA synchronous=OFF"))
            ins = Inserter(conn)
            batch_id = conn.execute(T["batch"].insert().values(
                number=5, year=2023, name="第五批服务型制造示范遴选", status="open",
                opens_at=(midnight - timedelta(days=20)).astimezone(UTC),
                contact_deadline=(midnight + timedelta(days=18, hours=23, minutes=59))
                .astimezone(UTC),
                province_deadline=(midnight + timedelta(days=90, hours=23, minutes=59))
                .astimezone(UTC),
                evaluation_deadline=(midnight + timedelta(days=90, hours=23, minutes=59))
                .astimezone(UTC),
                reporting_date=(midnight + timedelta(days=90)).date())).inserted_primary_key[0]
            for group, lines in quota_rules.DEFAULT_QUOTAS.items():
                for line, limit in lines.items():
                    ins.add(T["batch_quota"], {"batch_id": batch_id, "unit_group": group,
                                               "line": line, "limit": limit})
            ins.flush()

            # --- organisations, users, declarations -------------------------------------
            codes = sorted(units)
            others = [c for c in codes if c != BIG_UNIT]
            categories = list(CATEGORY_WEIGHTS)
            cat_weights = list(CATEGORY_WEIGHTS.values())
            states, state_weights = list(STATE_WEIGHTS), list(STATE_WEIGHTS.values())
            from smplatform.enums import CityClass, PlatformClass, ServiceModel
            org_type = {"enterprise": "enterprise", "platform": "platform_operator",
                        "city": "city_department"}
            sequence: dict = {}
            named = ([("bench-applicant", "enterprise", BIG_UNIT, "draft")]
                     + [(f"bench-autosave-{i:02d}", "enterprise", BIG_UNIT, "draft")
                        for i in range(1, AUTOSAVE_ACCOUNTS + 1)])
            total = n + len(named)
            org_id = user_id = decl_id = file_id = 0
            submitted_ids: list[tuple] = []  # (id, unit, category, klass, state)
            declaration_owner: dict[int, int] = {}
            for i in range(total):
                if i < len(named):
                    username, category, unit, state = named[i]
                else:
                    username = f"gen-applicant-{i:06d}"
                    category = rng.choices(categories, cat_weights)[0]
                    unit = BIG_UNIT if rng.random() < BIG_SHARE else rng.choice(others)
                    state = rng.choices(states, state_weights)[0]
                org_id += 1
                user_id += 1
                decl_id += 1
                code = credit_code(i + 1)
                city = rng.choice(cities[unit]) if cities.get(unit) else None
                suffix = "工业和信息化局" if category == "city" else "有限公司"
                name = f"{text_of(rng, rng.randint(4, 10))}{suffix}{i}"
                created = now - timedelta(days=rng.randint(1, 19), minutes=rng.randint(0, 1440))
                org = {"id": org_id, "org_type": org_type[category], "name": name,
                       "credit_code": code, "unit_code": unit,
                       "city_code": city if category == "city" else None,
                       "contact_name": text_of(rng, 3), "contact_mobile": f"138{i:08d}",
                       "contact_email": f"contact{i}@example.com", "created_at": created}
                ins.add(T["organisation"], org)
                ins.add(T["user_account"], {
                    "id": user_id, "username": username, "display_name": org["contact_name"],
                    "email": org["contact_email"],
                    "password_hash": bench_hash if username.startswith("bench-") else other_hash,
                    "role": "applicant", "organisation_id": org_id, "is_org_admin": True,
                    "is_admin": False, "active": True, "failed_sign_ins": 0,
                    "password_changed_at": created, "created_at": created})
                klass = service_model = None
                if category == "enterprise":
                    service_model = rng.choice([m.value for m in ServiceModel
                                                if m != ServiceModel.OTHER])
                elif category == "platform":
                    klass = rng.choice([c.value for c in PlatformClass])
                    service_model = rng.choice([m.value for m in ServiceModel
                                                if m != ServiceModel.OTHER])
                else:
                    klass = rng.choice([c.value for c in CityClass])
                data = form_data(rng, category, org, klass, service_model)
                number = verification = submitted_at = None
                if state != "draft":
                    key = (unit, category)
                    sequence[key] = sequence.get(key, 0) + 1
                    number = numbering.electronic_number(2023, unit, category, sequence[key])
                    verification = numbering.verification_code(number, data)
                    submitted_at = created + timedelta(hours=rng.randint(1, 200))
                    submitted_ids.append((decl_id, unit, category, klass, state))
                from smplatform.rules import annex1
                low = category == "enterprise" and annex1.low_service_share(data)
                ins.add(T["declaration"], {
                    "id": decl_id, "batch_id": batch_id, "organisation_id": org_id,
                    "unit_code": unit, "city_code": city, "category": category,
                    "klass": klass, "service_model": service_model, "state": state,
                    "version": rng.randint(2, 40), "electronic_number": number,
                    "verification_code": verification, "low_service_share": low,
                    "created_at": created, "updated_at": submitted_at or created,
                    "updated_by_id": user_id, "submitted_at": submitted_at,
                    "stamped_confirmed_at": submitted_at, "org_name": name,
                    "credit_code": code})
                ins.add(T["declaration_content"], {"declaration_id": decl_id, "data": data})
                declaration_owner[decl_id] = user_id
                if state != "draft":
                    ins.add(T["declaration_event"], {
                        "declaration_id": decl_id, "at": submitted_at, "actor_id": user_id,
                        "action": "submit", "from_state": "draft", "to_state": "submitted"})
                    if state != "submitted":
                        ins.add(T["declaration_event"], {
                            "declaration_id": decl_id, "at": submitted_at + timedelta(days=1),
                            "actor_id": None, "action": "review", "from_state": "submitted",
                            "to_state": state, "comment": text_of(rng, 60)})
            from smplatform.models import DeclarationCounter
            for (unit, category), last_seq in sequence.items():
                ins.add(DeclarationCounter.__table__, {"batch_id": batch_id, "unit_code": unit,
                                                       "category": category, "last": last_seq})
            ins.flush()

            # --- attachments: 60,000 at 20,000 declarations (3 per declaration) ----------
            kinds = ("business_licence", "audit_report", "evidence")
            n_files = n * 3
            for k in range(n_files):
                file_id += 1
                d = k % total + 1
                ins.add(T["stored_file"], {
                    "id": file_id, "storage_key": secrets.token_hex(20),
                    "original_name": f"附件{k}.pdf", "content_type": "application/pdf",
                    "size": rng.randint(50_000, 8_000_000), "sha256": secrets.token_hex(32),
                    "uploaded_by_id": declaration_owner[d], "created_at": now})
                ins.add(T["declaration_attachment"], {
                    "declaration_id": d, "stored_file_id": file_id, "kind": kinds[k % 3],
                    "created_at": now})
            ins.flush()

            # --- recommendations and unit submissions for every third unit -------------
            limits = {g: dict(lines) for g, lines in quota_rules.DEFAULT_QUOTAS.items()}
            passed: dict[str, list] = {}
            for row in submitted_ids:
                if row[4] == "passed":
                    passed.setdefault(row[1], []).append(row)
            forwarded: list[int] = []
            for u_index, unit in enumerate(codes):
                if u_index % 3 and unit != BIG_UNIT:
                    continue
                group = quota_rules.unit_group_for(units[unit])
                used: dict[str, int] = {}
                submitted = u_index % 2 == 0
                ins.add(T["unit_submission"], {
                    "batch_id": batch_id, "unit_code": unit,
                    "state": "submitted" if submitted else "open",
                    "submitted_at": now if submitted else None, "lock_version": 1})
                for d_id, _, category, klass, _state in passed.get(unit, []):
                    try:
                        line = quota_rules.line_for(category, klass, units[unit])
                    except ValueError:
                        continue
                    if used.get(line, 0) >= limits[group].get(line, 0):
                        continue
                    used[line] = used.get(line, 0) + 1
                    forwarded.append(d_id)
                    ins.add(T["recommendation"], {
                        "batch_id": batch_id, "unit_code": unit, "declaration_id": d_id,
                        "line": line, "rank": used[line], "created_at": now})
            ins.flush()
            if forwarded:
                decl = T["declaration"]
                for start in range(0, len(forwarded), 500):
                    conn.execute(decl.update().where(decl.c.id.in_(forwarded[start:start + 500]))
                                 .values(state="forwarded"))

            # --- earlier demonstrations and their evaluation --------------------------
            n_entries = max(50, n // 20)
            campaign_id = conn.execute(T["evaluation_campaign"].insert().values(
                batch_id=batch_id, opened_at=now)).inserted_primary_key[0]
            demo_categories = ["enterprise"] * 6 + ["platform"] * 2 + ["project", "city"]
            task_states = ["not_started"] * 4 + ["draft"] * 3 + ["submitted"] * 2 + ["confirmed"]
            for e in range(1, n_entries + 1):
                unit = rng.choice(codes)
                ins.add(T["registry_entry"], {
                    "id": e, "batch_number": rng.randint(1, 4), "year": rng.randint(2017, 2022),
                    "category": rng.choice(demo_categories),
                    "name": f"{text_of(rng, 8)}示范{e}", "credit_code": credit_code(900000 + e),
                    "unit_code": unit, "status": "active", "created_at": now,
                    "updated_at": now})
                state = rng.choice(task_states)
                ins.add(T["evaluation_task"], {
                    "campaign_id": campaign_id, "entry_id": e, "unit_code": unit,
                    "state": state,
                    "data": {} if state == "not_started" else {"summary": text_of(rng, 800)},
                    "version": 0 if state == "not_started" else rng.randint(1, 10),
                    "created_at": now})
            ins.flush()

            # --- audit rows, sealed into the hash chain in order -------------------------
            n_audit = n * 10
            head_table = AuditChainHead.__table__
            head = conn.execute(select(head_table.c.seq, head_table.c.last_hash)
                                .where(head_table.c.id == 1)).first()
            seq, last = (head.seq, head.last_hash) if head else (0, GENESIS)
            actions = ["auth.sign_in", "declaration.save", "declaration.save", "declaration.save",
                       "declaration.submit", "attachment.upload", "auth.sign_out"]
            start_at = now - timedelta(days=20)
            step = timedelta(days=19) / max(n_audit, 1)
            for a in range(n_audit):
                seq += 1
                d = rng.randint(1, total)
                action = actions[a % len(actions)]
                row = {"at": (start_at + step * a).replace(microsecond=a % 1_000_000),
                       "actor_id": declaration_owner[d], "actor_name": None,
                       "ip": f"10.{a % 256}.{(a // 256) % 256}.{a % 97}", "action": action,
                       "outcome": "success", "object_type": "declaration",
                       "object_id": str(d), "unit_code": None,
                       "detail": {"section": "narrative", "fields": ["summary"]}
                       if action == "declaration.save" else None}
                row["seq"] = seq
                row["prev_hash"] = last
                row["hash"] = last = link(last, entry_payload(
                    seq=seq, at=row["at"], actor_id=row["actor_id"],
                    actor_name=row["actor_name"], ip=row["ip"], action=row["action"],
                    outcome=row["outcome"], object_type=row["object_type"],
                    object_id=row["object_id"], unit_code=row["unit_code"],
                    detail=row["detail"]))
                ins.add(T["audit_entry"], row)
            ins.flush()
            if head:
                conn.execute(head_table.update().where(head_table.c.id == 1)
                             .values(seq=seq, last_hash=last))
            else:
                conn.execute(head_table.insert().values(id=1, seq=seq, last_hash=last))
            # --- staff accounts for the benchmark -------------------------------------
            for username, role, unit, admin in (("bench-province", "province", BIG_UNIT, False),
                                                ("bench-ministry", "ministry", None, True)):
                user_id += 1
                ins.add(T["user_account"], {
                    "id": user_id, "username": username, "display_name": username,
                    "email": f"{username}@example.gov.cn", "password_hash": bench_hash,
                    "role": role, "unit_code": unit, "is_org_admin": False, "is_admin": admin,
                    "active": True, "failed_sign_ins": 0, "password_changed_at": now,
                    "created_at": now})
            ins.flush()
            counts = dict(ins.counts)
            counts["declaration (forwarded)"] = len(forwarded)
        if engine.dialect.name == "postgresql":
            # Explicit ids were inserted: move the sequences past them.
            with engine.begin() as conn:
                for table in ("organisation", "user_account", "declaration", "stored_file",
                              "registry_entry"):
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"))
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--declarations", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.database_url, args.declarations, args.seed)
    for table, count in sorted(counts.items()):
        print(f"{table:28} {count:>9}")
    print(f"Generated in {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
