"""The web steps every route uses (smplatform/web.py): load and allow, perform, page, lang."""
from __future__ import annotations

import pytest
from flask import get_flashed_messages
from flask_login import login_user
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import inspect, select
from werkzeug.exceptions import HTTPException

from smplatform import web
from smplatform.extensions import db
from smplatform.models import User
from smplatform.permissions import is_ministry
from smplatform.services import DomainError

HTMX = {"HX-Request": "true"}


def _status(call) -> int:
    with pytest.raises(HTTPException) as raised:
        call()
    return raised.value.get_response().status_code


def _display_name(user_id: int) -> str:
    db.session.expire_all()
    return db.session.scalar(select(User.display_name).where(User.id == user_id))


@pytest.fixture
def templates(app):
    """A page and its fragment, beside the app's own templates."""
    original = app.jinja_loader
    app.jinja_env.loader = ChoiceLoader([DictLoader({
        "test_web/page.html": "page {{ name }}",
        "test_web/_fragment.html": "fragment {{ name }}",
    }), original])
    yield
    app.jinja_env.loader = original


# ---------------------------------------------------------------------- load and allow


def test_load_missing_object_is_404(app, make):
    ministry = make.ministry()
    with app.test_request_context("/"):
        login_user(ministry)
        assert _status(lambda: web.load(User, 999_999, is_ministry)) == 404


def test_load_refused_object_is_403(app, make):
    applicant = make.applicant()
    with app.test_request_context("/"):
        login_user(applicant)
        assert _status(lambda: web.load(User, applicant.id, is_ministry)) == 403


def test_load_allowed_object_is_returned_and_the_step_is_recorded(app, make):
    ministry = make.ministry()
    with app.test_request_context("/"):
        login_user(ministry)
        assert web.load(User, ministry.id, is_ministry) is ministry
        assert web.g.permission_checked is True


def test_load_passes_the_object_to_the_check(app, make):
    ministry, other = make.ministry(), make.ministry()
    with app.test_request_context("/"):
        login_user(ministry)
        def check(user, obj):
            return obj.id == user.id
        assert web.load(User, ministry.id, check) is ministry
        assert _status(lambda: web.load(User, other.id, check)) == 403


def test_allow_sends_the_signed_out_to_sign_in(app):
    with app.test_request_context("/account/password"):
        with pytest.raises(HTTPException) as raised:
            web.allow(is_ministry)
        response = raised.value.get_response()
        assert (response.status_code, response.location.split("?")[0]) == (
            302, "/account/sign-in")


def test_allow_refuses_the_signed_in_with_403(app, make):
    applicant = make.applicant()
    with app.test_request_context("/"):
        login_user(applicant)
        assert _status(lambda: web.allow(is_ministry)) == 403


def test_found_is_404_for_none(app):
    with app.test_request_context("/"):
        assert _status(lambda: web.found(None)) == 404
        assert web.found(0) == 0


# ---------------------------------------------------------------------------- perform


def _rename(user_id: int, name: str, refuse: str | None = None):
    def action():
        user = db.session.get(User, user_id)
        user.display_name = name
        db.session.flush()
        if refuse:
            raise DomainError(refuse)
        return user
    return action


def test_perform_success_commits_flashes_and_redirects(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        response = web.perform(_rename(user.id, "Renamed"),
                               done=lambda u: f"{u.display_name} saved", then="/next")
        assert (response.status_code, response.location) == (302, "/next")
        assert get_flashed_messages(with_categories=True) == [("success", "Renamed saved")]
    assert _display_name(user.id) == "Renamed"


def test_perform_then_may_be_a_function_of_the_result_and_status_303(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        response = web.perform(_rename(user.id, "X"), then=lambda u: f"/users/{u.id}",
                               status=303)
        assert (response.status_code, response.location) == (303, f"/users/{user.id}")
        assert get_flashed_messages() == []


def test_perform_refusal_rolls_back_flashes_and_redirects(app, make):
    user = make.ministry()
    before = user.display_name
    with app.test_request_context("/", method="POST"):
        response = web.perform(_rename(user.id, "Lost", refuse="No."), done="never",
                               then="/back")
        assert (response.status_code, response.location) == (302, "/back")
        assert get_flashed_messages(with_categories=True) == [("error", "No.")]
    assert _display_name(user.id) == before


def test_perform_refusal_with_failed_answers_it(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        response = web.perform(_rename(user.id, "Lost", refuse="Bad date."), then="/back",
                               failed=lambda error: (f"form: {error.message}", 422))
        assert (response.status_code, response.get_data(as_text=True)) == (
            422, "form: Bad date.")
        assert "HX-Request" in response.vary
        assert get_flashed_messages() == []


def test_perform_commit_refusal_keeps_what_the_service_recorded(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        web.perform(_rename(user.id, "Counted", refuse="Wrong password."),
                    commit_refusal=True, then="/")
    assert _display_name(user.id) == "Counted"


def test_perform_record_refusal_survives_the_rollback(app, make):
    user, other = make.ministry(), make.ministry()
    with app.test_request_context("/", method="POST"):
        web.perform(_rename(user.id, "Lost", refuse="Disk full."), then="/",
                    record_refusal=lambda error: _rename(other.id, error.message)())
    assert (_display_name(user.id), _display_name(other.id)) == (user.display_name,
                                                                 "Disk full.")


def test_perform_htmx_answers_the_fragment_with_its_trigger(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST", headers=HTMX):
        response = web.perform(_rename(user.id, "Inline"), done="not flashed", then="/x",
                               answer=lambda u: f"<p>{u.display_name}</p>",
                               trigger="user-renamed")
        assert (response.status_code, response.get_data(as_text=True)) == (200, "<p>Inline</p>")
        assert response.headers["HX-Trigger"] == "user-renamed"
        assert "HX-Request" in response.vary
        assert get_flashed_messages() == []
    assert _display_name(user.id) == "Inline"


def test_perform_without_htmx_redirects_even_with_an_answer(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        response = web.perform(_rename(user.id, "Plain"), then="/x",
                               answer=lambda u: "fragment")
        assert (response.status_code, response.location) == (302, "/x")


def test_perform_done_may_name_its_category_or_say_nothing(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        web.perform(_rename(user.id, "A"), done=("Nothing changed.", "info"), then="/")
        web.perform(_rename(user.id, "B"), done=lambda u: None, then="/")
        assert get_flashed_messages(with_categories=True) == [("info", "Nothing changed.")]


def test_perform_then_may_answer_a_page_after_the_commit(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        response = web.perform(_rename(user.id, "Partly"),
                               then=lambda u: (f"saved as {u.display_name}", 400))
        assert (response.status_code, response.get_data(as_text=True)) == (
            400, "saved as Partly")
        assert "HX-Request" in response.vary
    assert _display_name(user.id) == "Partly"


def test_perform_refusal_goes_to_failed_when_it_is_a_url(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST"):
        response = web.perform(_rename(user.id, "Lost", refuse="Too late."), then="/done",
                               failed="/overview")
        assert (response.status_code, response.location) == (302, "/overview")
        assert get_flashed_messages(with_categories=True) == [("error", "Too late.")]


def test_perform_refusal_with_then_a_function_goes_back(app, make):
    user = make.ministry()
    with app.test_request_context("/", method="POST", headers={"Referer": "/form"}):
        response = web.perform(_rename(user.id, "Lost", refuse="No."),
                               then=lambda u: f"/users/{u.id}")
        assert (response.status_code, response.location) == (302, "/form")


def test_perform_expire_false_keeps_the_objects_loaded_across_the_commit(app, make):
    user_id = make.ministry().id
    db.session.expunge_all()
    with app.test_request_context("/", method="POST"):
        kept = web.perform(_rename(user_id, "Kept"), expire=False,
                           then=lambda u: (str(inspect(u).expired_attributes), 200))
        assert kept.get_data(as_text=True) == "set()"
    db.session().expire_on_commit = True
    with app.test_request_context("/", method="POST"):
        expired = web.perform(_rename(user_id, "Read again"),
                              then=lambda u: (str(sorted(inspect(u).expired_attributes)), 200))
        assert "display_name" in expired.get_data(as_text=True)


def test_go_redirects_or_makes_htmx_navigate(app):
    with app.test_request_context("/"):
        response = web.go("/there")
        assert (response.status_code, response.location) == (302, "/there")
    with app.test_request_context("/", headers=HTMX):
        response = web.go("/there")
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/there")
        assert "HX-Request" in response.vary


def test_form_error_marks_the_named_field_or_the_form(app):
    from smplatform.auth.forms import SignInForm
    with app.test_request_context("/", method="POST"):
        form = SignInForm(meta={"csrf": False})
        form.validate()
        web.form_error(form, DomainError("Taken.", field="username"))
        web.form_error(form, DomainError("Wrong."))
        web.form_error(form, DomainError("Locked."), default_field="password")
        web.form_error(form, DomainError("Late.", field="no_such_field"), "password")
        assert (form.username.errors[-1], form.form_errors, form.password.errors[-2:]) == (
            "Taken.", ["Wrong."], ["Locked.", "Late."])


# ------------------------------------------------------------------------------- page


def test_page_renders_the_page_without_htmx(app, templates):
    with app.test_request_context("/"):
        response = web.page("test_web/page.html", fragment="test_web/_fragment.html", name="a")
        assert response.get_data(as_text=True) == "page a"
        assert "HX-Request" in response.vary


def test_page_renders_the_fragment_for_htmx(app, templates):
    with app.test_request_context("/", headers=HTMX):
        response = web.page("test_web/page.html", fragment="test_web/_fragment.html", name="a")
        assert response.get_data(as_text=True) == "fragment a"


def test_page_fragment_only_for_its_target(app, templates):
    for target, expected in (("results", "fragment b"), ("elsewhere", "page b")):
        with app.test_request_context("/", headers=HTMX | {"HX-Target": target}):
            response = web.page("test_web/page.html", fragment="test_web/_fragment.html",
                                target="results", name="b")
            assert response.get_data(as_text=True) == expected


def test_page_adds_to_vary_and_sets_status_and_headers(app, templates):
    with app.test_request_context("/"):
        response = web.page("test_web/page.html", status=409,
                            headers={"Vary": "Cookie", "X-Extra": "1"}, name="c")
        assert response.status_code == 409
        assert set(response.vary) == {"Cookie", "HX-Request"}
        assert response.headers["X-Extra"] == "1"


# ------------------------------------------------------------------------------- lang


@pytest.mark.parametrize(("accept", "expected"), [("en", "en"), ("zh-CN", "zh"), ("fr", "zh")])
def test_lang_follows_the_request_locale(app, accept, expected):
    with app.test_request_context("/", headers={"Accept-Language": accept}):
        assert web.lang() == expected


def test_lang_outside_a_request_is_chinese(app):
    assert web.lang() == "zh"


# ------------------------------------------------------------- the permission step check


def _app_with_view(view, check: bool = True):
    from flask import Flask

    from smplatform.extensions import login_manager
    app = Flask(__name__)
    app.config.update(TESTING=True, SECRET_KEY="test", CHECK_PERMISSION_STEP=check)
    login_manager.init_app(app)
    app.add_url_rule("/view", "view", view)
    web.init_app(app)
    return app


def test_a_view_without_the_permission_step_fails():
    app = _app_with_view(lambda: "answered without asking")
    with pytest.raises(AssertionError, match="view answered without the permission step"):
        app.test_client().get("/view")


def test_a_view_through_allow_answers():
    from smplatform.permissions import can_view_public

    def view():
        web.allow(can_view_public)
        return "asked first"
    assert app_get(_app_with_view(view)) == (200, "asked first")


def test_a_refusal_before_the_step_is_not_mistaken_for_a_missing_step():
    def view():
        return web.found(None)
    assert app_get(_app_with_view(view))[0] == 404


def test_without_the_setting_nothing_is_checked():
    assert app_get(_app_with_view(lambda: "free", check=False)) == (200, "free")


def app_get(app) -> tuple[int, str]:
    response = app.test_client().get("/view")
    return response.status_code, response.get_data(as_text=True)


def test_the_testing_app_checks_every_view(app):
    unchecked = sorted(endpoint for endpoint, view in app.view_functions.items()
                       if endpoint != "static"
                       and not getattr(view, "checks_permission_step", False))
    assert (app.config["CHECK_PERMISSION_STEP"], unchecked) == (True, [])
