"""Public pages: home, the 2023 notice, language choice, health check."""
from __future__ import annotations

from flask import current_app, jsonify, redirect, request, session
from flask_login import current_user
from sqlalchemy import select

from smplatform.enums import BatchStatus
from smplatform.extensions import db
from smplatform.models import Batch
from smplatform.rules import notice_2023
from smplatform.permissions import can_view_public
from smplatform.services import accounts, announcements, figures, maintenance
from smplatform.web import Routes, allow, lang, page, perform

routes = Routes()

HOME_NOTICES = 6  # the latest notices on the home page


def _safe_back(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@routes.get("/")
def home():
    allow(can_view_public)
    batch = db.session.scalar(select(Batch).where(Batch.status == BatchStatus.OPEN)
                              .order_by(Batch.number.desc()))
    notice_dates = {"contact": notice_2023.CONTACT_DEADLINE,
                    "province": notice_2023.PROVINCE_DEADLINE,
                    "evaluation": notice_2023.EVALUATION_DEADLINE}
    return page("public/home.html", batch=batch, notice_dates=notice_dates,
                notices=announcements.latest(HOME_NOTICES), lang=lang(),
                figures=figures.figures(max_age_seconds=current_app.config[
                    "PUBLIC_FIGURES_MAX_AGE_SECONDS"]))


@routes.post("/language")
def set_language():
    """Remember the chosen language in the session (and on the account when signed in)."""
    allow(can_view_public)
    chosen = request.form.get("lang")
    back = _safe_back(request.form.get("next"))
    if chosen not in current_app.config["LANGUAGES"]:
        return redirect(back)
    session["lang"] = chosen
    if not current_user.is_authenticated:
        return redirect(back)
    return perform(lambda: accounts.set_language(user=current_user, language=chosen),
                   then=back)


@routes.get("/healthz")
def healthz():
    """What monitoring polls: 200 when the database answers, else 503."""
    allow(can_view_public)
    ok = maintenance.database_ok()
    return jsonify(status="ok" if ok else "degraded",
                   database="ok" if ok else "error"), 200 if ok else 503
