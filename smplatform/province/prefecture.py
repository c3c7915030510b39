"""The prefecture tier, the province's side: turn the cities' initial review on or off for
the open batch, set the cities' deadline, and follow each city's progress."""
from __future__ import annotations

from datetime import datetime

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from smplatform import clock
from smplatform.permissions import can_manage_prefecture_review
from smplatform.services import prefecture
from smplatform.services import review as review_service
from smplatform.web import Routes, allow, found, page, perform

routes = Routes()


def _page(batch, *, error: str | None = None, status: int = 200):
    return page("province/prefecture.html", batch=batch, error=error, status=status,
                setting=prefecture.setting(batch, current_user.unit_code),
                progress=prefecture.progress_by_city(batch, current_user.unit_code))


@routes.get("/prefecture")
def prefecture_review():
    """The tier's setting and each city's progress."""
    allow(can_manage_prefecture_review)
    return _page(found(review_service.current_batch()))


def _deadline(text: str) -> datetime | None:
    try:
        local = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return local.replace(tzinfo=clock.CHINA) if local.tzinfo is None else local


@routes.post("/prefecture")
def prefecture_review_set():
    allow(can_manage_prefecture_review)
    batch = found(review_service.current_batch())
    enabled = request.form.get("enabled") == "1"
    return perform(
        lambda: prefecture.set_prefecture_review(
            actor=current_user, batch=batch, enabled=enabled,
            city_deadline=_deadline(request.form.get("city_deadline", ""))),
        done=_("The city's initial review is on.") if enabled
        else _("The city's initial review is off: declarations come to you directly."),
        failed=lambda e: _page(batch, error=e.message, status=422),
        then=url_for("province.prefecture_review"))


@routes.post("/prefecture/take-over")
def prefecture_take_over():
    """After the cities' deadline: take the declarations still at a city into the queue."""
    allow(can_manage_prefecture_review)
    batch = found(review_service.current_batch())
    return perform(
        lambda: prefecture.take_over_overdue(actor=current_user, batch=batch),
        done=lambda n: ngettext("%(num)d declaration taken over: it is in your review queue.",
                                "%(num)d declarations taken over: they are in your review "
                                "queue.", n),
        failed=lambda e: _page(batch, error=e.message, status=409),
        then=url_for("province.prefecture_review"))
