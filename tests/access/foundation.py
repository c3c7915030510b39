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
    Access("applicant.colleagues", "/applicant/accounts", only("applicant")),
    # The world's applicant administers its organisation (its first user); a new account
    # (400: the form is empty) and a colleague of its own (302: done).
    Access("applicant.add_colleague", "/applicant/accounts", only("applicant", 400),
           method="POST"),
    Access("applicant.set_colleague_active", lambda w: f"/applicant/accounts/{_colleague(w)}/active",
           only("applicant", 302), method="POST", data={"active": "0"}),
    Access("applicant.hand_over_administration",
           lambda w: f"/applicant/accounts/{_colleague(w)}/administrator",
           only("applicant", 302), method="POST"),
    Access("province.dashboard", "/province/", only("province")),
    Access("ministry.dashboard", "/ministry/", only("ministry")),
    Access("expert.dashboard", "/expert/", only("expert")),
    Access("ministry.users", "/ministry/users", only("ministry")),
    Access("ministry.set_active", lambda w: f"/ministry/users/{w.users['expert'].id}/active",
           only("ministry", 302), method="POST", data={"active": "1"}),
    Access("ministry.audit_log", "/ministry/audit", only("ministry")),
]


def _colleague(world) -> int:
    """A colleague of the world's applicant (made once)."""
    if "colleague" not in world.cache:
        from smplatform.extensions import db
        from smplatform.services import accounts
        world.cache["colleague"] = accounts.add_colleague(
            actor=world.users["applicant"], username="colleague-1", display_name="同事",
            email="colleague@example.com", password="Colleague-Pass-2026").id
        db.session.commit()
    return world.cache["colleague"]
