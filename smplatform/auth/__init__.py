"""Accounts: sign-in and sign-out, registration, password change, notifications."""
from __future__ import annotations

from smplatform.auth import account, notifications
from smplatform.auth.obligations import password_obligation
from smplatform.web import area

bp = area("auth", __name__, (account, notifications), url_prefix="/account")
bp.before_app_request(password_obligation)
