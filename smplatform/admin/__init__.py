"""The administrators' area (三员分立): the system administrator manages business accounts,
the security administrator roles, unlocks, temporary passwords and second factors, the
audit administrator reads and exports the audit log. None of them does ministry business,
and the ministry's users manage no accounts. Every route requires one of the three roles
(checked before each request); each route then checks its own administrator."""
from __future__ import annotations

from smplatform.admin import accounts, audit, home, security
from smplatform.permissions import is_administrator
from smplatform.web import area, signed_in_as

bp = area("admin", __name__, (home, accounts, security, audit),
          guard=signed_in_as(is_administrator), url_prefix="/admin")
