"""The site's identity for its footer and help pages, from the deployment settings (config.py
SITE_*). A setting that is not given is shown as a placeholder that says which variable to
set, never as an invented number."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app

ICP_LOOKUP = "https://beian.miit.gov.cn/"
PSB_LOOKUP = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


@dataclass(frozen=True)
class Setting:
    value: str | None
    variable: str  # the environment variable that sets it

    @property
    def missing(self) -> bool:
        return not self.value


@dataclass(frozen=True)
class Site:
    sponsor: Setting
    operator: Setting
    identifier: Setting
    icp_filing: Setting
    psb_filing: Setting
    psb_url: str | None
    contact_phone: Setting
    contact_email: Setting
    contact_hours: Setting

    @property
    def icp_url(self) -> str:
        return ICP_LOOKUP


def _setting(key: str) -> Setting:
    value = current_app.config.get(f"SITE_{key}")
    return Setting((value or "").strip() or None, f"SMPLATFORM_SITE_{key}")


def site_settings() -> Site:
    psb = _setting("PSB_FILING")
    url = (current_app.config.get("SITE_PSB_FILING_URL") or "").strip() or None
    if url is None and psb.value:
        digits = "".join(re.findall(r"\d+", psb.value))
        url = PSB_LOOKUP.format(code=digits) if digits else None
    return Site(sponsor=_setting("SPONSOR"), operator=_setting("OPERATOR"),
                identifier=_setting("IDENTIFIER"), icp_filing=_setting("ICP_FILING"),
                psb_filing=psb, psb_url=url, contact_phone=_setting("CONTACT_PHONE"),
                contact_email=_setting("CONTACT_EMAIL"), contact_hours=_setting("CONTACT_HOURS"))


def init_app(app) -> None:
    app.jinja_env.globals["site_settings"] = site_settings
    missing = [f"SMPLATFORM_SITE_{k}" for k in ("OPERATOR", "IDENTIFIER", "ICP_FILING",
                                                  "PSB_FILING")
               if not app.config.get(f"SITE_{k}")]
    if missing and not app.config.get("ALLOW_DEMO_SEED"):
        app.logger.warning("The footer shows placeholders: set %s", ", ".join(missing))
