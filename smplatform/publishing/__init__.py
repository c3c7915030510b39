"""The publishing desk: the ministry's and the provincial departments' notices (通知公告),
and the ministry's FAQ. Every route requires a signed-in ministry or provincial user (checked
before each request); each notice is then checked against its region."""
from __future__ import annotations

from smplatform.permissions import can_write_announcements
from smplatform.publishing import announcements, faq
from smplatform.web import area, signed_in_as

bp = area("publishing", __name__, (announcements, faq),
          guard=signed_in_as(can_write_announcements), url_prefix="/publishing")
