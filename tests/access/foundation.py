"""Access table: public pages, accounts, role dashboards, ministry administration."""
from tests.access import Access, everyone, expect, only, signed_in

ALL_200 = everyone(200)
SIGNED_IN_REDIRECT = expect(302, anonymous=200)



ACCESS = [
    Access("static", "/static/css/site.css", ALL_200),
    Access("public.home", "/", ALL_200),
    Access("public.notice", "/notice/2023", ALL_200),
    Access("public.healthz", "/healthz", ALL_200),
    # From the test client's loopback address (METRICS_NETWORKS); tests/test_observability.py
    # checks the refusals.
    Access("public.metrics", "/metrics", ALL_200),
    Access("public.set_language", "/language", {r: 302 for r in ALL_200}, method="POST",
           data={"lang": "en", "next": "/"}),
    Access("auth.sign_in", "/account/sign-in", SIGNED_IN_REDIRECT),
    Access("auth.register", "/account/register", SIGNED_IN_REDIRECT),
    Access("auth.cities", "/account/register/cities?unit_code=440000", ALL_200),
    Access("auth.sign_out", "/account/sign-out",
           signed_in(302), method="POST"),
    Access("auth.change_password", "/account/password",
           signed_in(200)),
    Access("applicant.dashboard", "/applicant/", only("applicant")),
    Access("province.dashboard", "/province/", only("province")),
    Access("ministry.dashboard", "/ministry/", only("ministry")),
    Access("expert.dashboard", "/expert/", only("expert")),
    Access("ministry.users", "/ministry/users", only("ministry")),
    Access("ministry.set_active", lambda w: f"/ministry/users/{w.users['expert'].id}/active",
           only("ministry", 302), method="POST", data={"active": "1"}),
    Access("ministry.audit_log", "/ministry/audit", only("ministry")),
]
