"""The baselines for page benchmarks, served by the same gunicorn settings as smplatform, so
that the ratio to them measures what our own pages cost. BASELINE_DATABASE_URL selects the
database (a SQLite file by default).

- `/fortunes`: TechEmpower's "fortunes" shape, one Jinja template over one query of 12 rows.
- `/list`: a plainly written page of the review lists' shape (issue 13): a layout (head with
  the stylesheet, navigation, footer), a signed-in user (a signed session cookie, the user
  read from the database on every request), a CSRF token (Flask-WTF, in a form and in the
  htmx header), a filter form, and a filtered and counted page of 25 rows out of 20,000 (one
  COUNT, one page query on an index, each row with a link and its labels). Sign in with
  `GET /login` (sets the cookie). It is what the province queue and the national list are
  measured against.
"""
from __future__ import annotations

import os

from flask import Flask, abort, redirect, render_template, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import Index, Integer, String, create_engine, func, insert, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

URL = os.environ.get("BASELINE_DATABASE_URL", "sqlite:////tmp/smplatform-baseline.sqlite3")


class Base(DeclarativeBase):
    pass


class Fortune(Base):
    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[str] = mapped_column(String(200))


class Account(Base):
    __tablename__ = "baseline_account"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str] = mapped_column(String(6))
    active: Mapped[int] = mapped_column(Integer, default=1)


class Listing(Base):
    """20,000 rows like a declaration's list columns."""

    __tablename__ = "baseline_listing"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    org_name: Mapped[str] = mapped_column(String(200))
    unit_code: Mapped[str] = mapped_column(String(6))
    category: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    submitted_at: Mapped[str] = mapped_column(String(40))
    __table_args__ = (Index("ix_baseline_listing_filter", "state", "category", "number"),)


ROWS = 20_000
CATEGORIES = {"enterprise": "Enterprise", "platform": "Platform", "city": "City"}
STATES = {"draft": "Draft", "submitted": "Submitted", "passed": "Passed",
          "returned": "Returned", "rejected": "Rejected"}
PAGE = 25

engine = create_engine(URL, pool_pre_ping=True)
app = Flask(__name__, template_folder="templates")
app.config["SECRET_KEY"] = "baseline-secret"  # noqa: S105  (benchmark only)
app.config["SESSION_COOKIE_NAME"] = "smp_session"  # bench/run.py's Session keeps this cookie
app.config["WTF_CSRF_TIME_LIMIT"] = None
CSRFProtect(app)


def create_schema() -> None:
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        if session.scalar(select(Fortune.id).limit(1)) is None:
            session.add_all(Fortune(message=f"服务型制造示范 fortune {i} <b>escaped</b>")
                            for i in range(1, 13))
            session.commit()
        if session.scalar(select(Listing.id).limit(1)) is None:
            session.add(Account(id=1, name="基准用户 Baseline", unit_code="440000"))
            categories, states = list(CATEGORIES), list(STATES)
            session.execute(insert(Listing), [
                {"id": i, "number": f"2023-440000-E-{i:05d}",
                 "org_name": f"服务型制造示范企业{i}有限公司",
                 "unit_code": ("440000", "330000", "110000")[i % 3],
                 "category": categories[(i // 5) % 3] if i % 5 else "enterprise",
                 "state": states[i % len(states)], "submitted_at": f"2023-05-{i % 28 + 1:02d}"}
                for i in range(1, ROWS + 1)])
            session.commit()


@app.get("/fortunes")
def fortunes():
    with Session(engine) as session:
        rows = list(session.scalars(select(Fortune)))
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda f: f.message)
    return render_template("fortunes.html", fortunes=rows)


@app.get("/login")
def login():
    session["uid"] = 1
    return redirect("/list")


@app.get("/list")
def listing():
    """The review lists' shape, written plainly."""
    state = request.args.get("state") if request.args.get("state") in STATES else None
    category = (request.args.get("category") if request.args.get("category") in CATEGORIES
                else None)
    page = max(1, request.args.get("page", 1, type=int))
    with Session(engine) as db:
        user = db.get(Account, session.get("uid", 0))
        if user is None or not user.active:
            abort(403)
        where = [c for c in (Listing.state == state if state else None,
                             Listing.category == category if category else None)
                 if c is not None]
        total = db.scalar(select(func.count()).select_from(Listing).where(*where))
        rows = db.execute(select(Listing.id, Listing.number, Listing.org_name,
                                 Listing.unit_code, Listing.category, Listing.state,
                                 Listing.submitted_at).where(*where)
                          .order_by(Listing.number).limit(PAGE)
                          .offset((page - 1) * PAGE)).all()
    return render_template("list.html", user=user, rows=rows, total=total, page=page,
                           pages=(total + PAGE - 1) // PAGE, state=state, category=category,
                           states=STATES, categories=CATEGORIES, csrf_token=generate_csrf())


if __name__ == "__main__":
    create_schema()
