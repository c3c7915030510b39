"""The baseline for page benchmarks: TechEmpower's "fortunes" shape.

A minimal Flask app that renders one Jinja template over one database query, served by the
same gunicorn settings as smplatform, so that the ratio to it measures what our own pages cost.
BASELINE_DATABASE_URL selects the database (a SQLite file by default).
"""
from __future__ import annotations

import os

from flask import Flask, render_template
from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

URL = os.environ.get("BASELINE_DATABASE_URL", "sqlite:////tmp/smplatform-baseline.sqlite3")


class Base(DeclarativeBase):
    pass


class Fortune(Base):
    __tablename__ = "fortune"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message: Mapped[str] = mapped_column(String(200))


engine = create_engine(URL, pool_pre_ping=True)
app = Flask(__name__, template_folder="templates")


def create_schema() -> None:
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        if session.scalar(select(Fortune.id).limit(1)) is None:
            session.add_all(Fortune(message=f"服务型制造示范 fortune {i} <b>escaped</b>")
                            for i in range(1, 13))
            session.commit()


@app.get("/fortunes")
def fortunes():
    with Session(engine) as session:
        rows = list(session.scalars(select(Fortune)))
    rows.append(Fortune(id=0, message="Additional fortune added at request time."))
    rows.sort(key=lambda f: f.message)
    return render_template("fortunes.html", fortunes=rows)


if __name__ == "__main__":
    create_schema()
