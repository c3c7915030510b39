"""Accounts: sign-in (with the second step) and sign-out, registration, password change and
recovery, two-factor set-up, the account page with its sessions, re-authentication,
notifications."""
from __future__ import annotations

from smplatform.auth import account, notifications, recovery, second_factor, security
from smplatform.auth.obligations import password_obligation
from smplatform.web import area

bp = area("auth", __name__, (account, second_factor, security, recovery, notifications),
          url_prefix="/account")
bp.before_app_request(password_obligation)
