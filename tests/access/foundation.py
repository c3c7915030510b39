"""Access table: public pages, accounts, role dashboards, the administrators' area."""
from tests.access import Access, everyone, expect, only, signed_in

ALL_200 = everyone(200)
SIGNED_IN_REDIRECT = expect(302, anonymous=200)



ACCESS = [
    Access("static", "/static/css/site.css", ALL_200),
    Access("public.home", "/", ALL_200),
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
    # Two-factor sign-in: the second step and the first-sign-in enrolment answer only a
    # pending sign-in (password just proven); everyone else is sent to sign in.
    Access("auth.second_step", "/account/sign-in/code", everyone(302)),
    Access("auth.enrol_at_sign_in", "/account/sign-in/enrol", everyone(302)),
    Access("auth.enrol_start_at_sign_in", "/account/sign-in/enrol/start", everyone(302),
           method="POST"),
    Access("auth.enrol_confirm_at_sign_in", "/account/sign-in/enrol", everyone(302),
           method="POST", data={"code": "123456"}),
    # The account's own second factor (staff are enrolled, the applicant is not).
    Access("auth.two_factor_page", "/account/two-factor", expect(302, applicant=200)),
    Access("auth.two_factor_start", "/account/two-factor/start", everyone(302),
           method="POST"),
    Access("auth.recovery_codes", "/account/two-factor/recovery-codes",
           expect(200, anonymous=302, applicant=302), method="POST"),
    Access("auth.two_factor_disable", "/account/two-factor/disable", everyone(302),
           method="POST"),
    Access("auth.account", "/account/", signed_in(200)),
    Access("auth.end_session", "/account/sessions/end", everyone(302), method="POST",
           data={"session": "not-a-session"}),
    Access("auth.confirm", "/account/confirm", signed_in(200)),
    Access("auth.forgot_password", "/account/forgot", everyone(200)),
    Access("auth.reset_password", "/account/reset/not-a-token", everyone(404)),
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
    # The three separated administrators (三员分立): each only its own tools, none of them
    # the ministry's business (above: ministry.dashboard is the ministry's alone).
    Access("admin.home", "/admin/", expect(403, anonymous=302, system_admin=200,
                                           security_admin=200, audit_admin=200)),
    Access("admin.users", "/admin/users", only("system_admin")),
    Access("admin.set_active", lambda w: f"/admin/users/{w.users['expert'].id}/active",
           only("system_admin", 302), method="POST", data={"active": "1"}),
    Access("admin.security", "/admin/security", only("security_admin")),
    Access("admin.policy", "/admin/policy", only("security_admin", 400), method="POST",
           data={"session_limit": "-1"}),
    Access("admin.change_role", lambda w: f"/admin/users/{w.users['expert'].id}/role",
           only("security_admin", 302), method="POST", data={"role": "expert"}),
    Access("admin.unlock", lambda w: f"/admin/users/{w.users['expert'].id}/unlock",
           only("security_admin", 302), method="POST"),
    Access("admin.temporary_password",
           lambda w: f"/admin/users/{w.users['province'].id}/temporary-password",
           only("security_admin", 200), method="POST"),
    Access("admin.reset_two_factor",
           lambda w: f"/admin/users/{w.users['expert'].id}/two-factor/reset",
           only("security_admin", 302), method="POST"),
    Access("admin.audit_log", "/admin/audit", only("audit_admin")),
    Access("admin.audit_export", "/admin/audit/export.csv", only("audit_admin")),
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
