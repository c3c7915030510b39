"""Every signed-in user's notifications: what the province, the ministry or the platform did
that concerns them (applicants also see those addressed to their organisation)."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from smplatform.extensions import db
from smplatform.services import notifications
from smplatform.web import Routes

routes = Routes()


@routes.get("/notifications")
@login_required
def notifications_list():
    page = db.paginate(notifications.for_user_query(current_user), per_page=30,
                       error_out=False)
    return render_template("auth/notifications.html", page=page,
                           render=notifications.render)


@routes.post("/notifications/read")
@login_required
def notifications_read():
    notifications.mark_all_read(user=current_user)
    db.session.commit()
    return redirect(url_for("auth.notifications_list"), 303)


@routes.app_template_global
def unread_notifications(user) -> int:
    """The number shown next to "Notifications" in the navigation."""
    return notifications.unread_count(user)
