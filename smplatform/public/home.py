"""Public pages: home, the 2023 notice, language choice, health check."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user
from sqlalchemy import select, text

from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch
from smplatform.rules import notice_2023
from smplatform.services import audit
from smplatform.web import Routes

routes = Routes()



def _safe_back(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@routes.get("/")
def home():
    batch = db.session.scalar(select(Batch).where(Batch.status == BatchStatus.OPEN)
                              .order_by(Batch.number.desc()))
    notice_dates = {"contact": notice_2023.CONTACT_DEADLINE,
                    "province": notice_2023.PROVINCE_DEADLINE,
                    "evaluation": notice_2023.EVALUATION_DEADLINE}
    return render_template("public/home.html", batch=batch, notice_dates=notice_dates)


@routes.get("/notice/2023")
def notice():
    return render_template("public/notice.html")


@routes.post("/language")
def set_language():
    """Remember the chosen language in the session (and on the account when signed in)."""
    lang = request.form.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.language != lang:
            current_user.language = lang
            audit.record("user.language", actor=current_user, obj=current_user,
                         detail={"language": lang})
            db.session.commit()
    return redirect(_safe_back(request.form.get("next")))


@routes.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # noqa: BLE001  (report, never raise: this is what monitoring polls)
        db.session.rollback()
        database = "error"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", database=database), status
