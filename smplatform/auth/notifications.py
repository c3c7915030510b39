"""Every signed-in user's notifications: what the province, the ministry or the platform did
that concerns them (applicants also see those addressed to their organisation)."""
from __future__ import annotations

from flask import url_for
from flask_login import current_user

from smplatform.extensions import db
from smplatform.permissions import is_signed_in
from smplatform.services import notifications
from smplatform.web import Routes, allow, page, perform

routes = Routes()


@routes.get("/notifications")
def notifications_list():
    allow(is_signed_in)
    rows = db.paginate(notifications.for_user_query(current_user), per_page=30,
                       error_out=False)
    return page("auth/notifications.html", page=rows, render=notifications.render)


@routes.post("/notifications/read")
def notifications_read():
    allow(is_signed_in)
    return perform(lambda: notifications.mark_all_read(user=current_user),
                   then=url_for("auth.notifications_list"), status=303)


@routes.app_template_global
def unread_notifications(user) -> int:
    """The number shown next to "Notifications" in the navigation."""
    return notifications.unread_count(user)
