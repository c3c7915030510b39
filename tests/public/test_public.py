"""Public pages: home, notice, language choice, security headers, error pages, health check."""
from __future__ import annotations

import pytest

from smplatform.extensions import db
from smplatform.models import User
from tests.support.helpers import EN, audit_actions


def page(response) -> str:
    return response.get_data(as_text=True)


# Home and notice ---------------------------------------------------------------------------

def test_home_in_chinese_without_a_choice(client):
    html = page(client.get("/"))
    assert ('<html lang="zh-CN">' in html, "服务型制造公共服务平台" in html) == (True, True)
    # The literal percent sign of a translated message survives (no 500 on "30%").
    assert "原则上服务收入占营业收入比重达30%以上" in html


def test_home_in_english_explains_and_links(client):
    html = page(client.get("/", headers=EN))
    assert "service income in principle above 30% of business income" in html
    assert 'href="/account/sign-in"' in html
    assert 'href="/account/register"' in html
    assert 'href="/notice/2023"' in html


def test_home_shows_the_notice_deadlines_without_a_batch(client):
    html = page(client.get("/", headers=EN))
    assert "Deadlines set by the 2023 notice (China Standard Time)" in html
    assert ("2023-03-20" in html, "2023-05-31" in html) == (True, True)


def test_home_shows_the_open_batch_deadlines(client, app):
    from tests.support.selection import make_batch
    from smplatform.services import batches
    batches.open_batch(actor=None, batch=make_batch(number=5))
    db.session.commit()
    html = page(client.get("/", headers=EN))
    assert "Deadlines of batch 5 (China Standard Time)" in html


@pytest.mark.parametrize("role, landing", [
    ("applicant", "/applicant/"), ("province", "/province/"), ("ministry", "/ministry/"),
    ("expert", "/expert/")])
def test_home_links_signed_in_user_to_own_dashboard(login_as, make, role, landing):
    c = login_as(getattr(make, role)())
    html = page(c.get("/", headers=EN))
    assert f'href="{landing}">Go to my dashboard' in html


def test_notice_in_both_languages(client, make):
    """The 2023 notice is the first announcement (demo data); its old address leads to it."""
    from smplatform.demo_announcements import load_notice_2023
    load_notice_2023(make.ministry(), attachments=False)
    db.session.commit()
    response = client.get("/notice/2023")
    assert (response.status_code, response.headers["Location"]) == (302, "/notices/1")
    zh = page(client.get("/notice/2023", follow_redirects=True))
    en = page(client.get("/notice/2023", headers=EN, follow_redirects=True))
    assert "请各省级主管部门于2023年5月31日前将第五批申报汇总表" in zh
    assert "by 31 May 2023" in en


# Language ----------------------------------------------------------------------------------

@pytest.mark.parametrize("header, lang", [
    ("en", "en"), ("en-US,en;q=0.9", "en"), ("zh-CN,zh;q=0.9", "zh-CN"), ("zh", "zh-CN"),
    ("zh-TW", "zh-CN"), ("fr-FR", "zh-CN"), ("de, en;q=0.5", "en"), (None, "zh-CN")])
def test_accept_language_decides_without_a_choice(client, header, lang):
    headers = {"Accept-Language": header} if header else {}
    assert f'<html lang="{lang}">' in page(client.get("/", headers=headers))


def test_language_choice_overrides_accept_language(client):
    response = client.post("/language", data={"lang": "zh_CN", "next": "/notice/2023"},
                           headers=EN)
    assert (response.status_code, response.headers["Location"]) == (302, "/notice/2023")
    assert '<html lang="zh-CN">' in page(client.get("/", headers=EN))
    client.post("/language", data={"lang": "en", "next": "/"})
    assert '<html lang="en">' in page(client.get("/"))


def test_language_switch_is_on_every_page(client, login_as, make):
    c = login_as(make.ministry())
    for url in ("/", "/notices", "/ministry/", "/ministry/experts", "/account/password",
                "/no-such-page"):
        html = page(c.get(url))
        assert html.count('action="/language"') == 1, url


def test_language_choice_rejects_unknown_language_and_unsafe_next(client):
    response = client.post("/language", data={"lang": "xx", "next": "//evil.example/"})
    assert response.headers["Location"] == "/"
    assert '<html lang="zh-CN">' in page(client.get("/"))


def test_language_choice_is_remembered_on_the_account(client, login_as, make):
    user = make.expert()
    c = login_as(user)
    c.post("/language", data={"lang": "en", "next": "/expert/"})
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "en"
    assert audit_actions()[-1] == ("user.language", "success")
    # A new sign-in elsewhere, without Accept-Language, uses the remembered language.
    other = login_as(user)
    assert '<html lang="en">' in page(other.get("/expert/"))


def test_language_switch_without_choice_needs_post(client):
    assert client.get("/language").status_code == 405


# Security headers --------------------------------------------------------------------------

def test_security_headers_on_pages(client):
    h = client.get("/").headers
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert (h["X-Content-Type-Options"], h["X-Frame-Options"], h["Referrer-Policy"]) == (
        "nosniff", "DENY", "same-origin")
    assert "Strict-Transport-Security" not in h  # HSTS only in production (over HTTPS)


def test_security_headers_on_error_pages(client):
    h = client.get("/no-such-page").headers
    assert (h["X-Frame-Options"], "Content-Security-Policy" in h) == ("DENY", True)


def test_signed_in_pages_are_not_cached(login_as, make):
    c = login_as(make.applicant())
    assert c.get("/applicant/").headers["Cache-Control"] == "no-store"


def test_pages_carry_no_inline_scripts_or_styles(client):
    html = page(client.get("/account/register"))
    assert ("<script>" in html, "style=" in html, "onclick" in html) == (False, False, False)


# Error pages -------------------------------------------------------------------------------

def test_404_in_both_languages(client):
    zh, en = client.get("/no-such-page"), client.get("/no-such-page", headers=EN)
    assert (zh.status_code, en.status_code) == (404, 404)
    assert "页面不存在" in page(zh)
    assert "Page not found" in page(en)


def test_403_in_both_languages(login_as, make):
    c = login_as(make.applicant())
    zh, en = c.get("/ministry/"), c.get("/ministry/", headers=EN)
    assert (zh.status_code, en.status_code) == (403, 403)
    assert "您的账号无权查看此页面或执行此操作。" in page(zh)
    assert "Your account is not allowed to see this page or do this." in page(en)


def test_400_in_both_languages(client):
    zh = client.post("/language", data={"lang": "en"}, csrf=False)
    en = client.post("/language", data={"lang": "en"}, csrf=False, headers=EN)
    assert (zh.status_code, en.status_code) == (400, 400)
    assert ("请求有误" in page(zh), "Bad request" in page(en)) == (True, True)


def test_413_in_both_languages(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    big = {"lang": "en", "next": "x" * 5000}
    zh = client.post("/language", data=dict(big))
    en = client.post("/language", data=dict(big), headers=EN)
    assert (zh.status_code, en.status_code) == (413, 413)
    assert ("上传内容过大" in page(zh), "Upload too large" in page(en)) == (True, True)


def test_429_in_both_languages(client, app):
    app.config["RATELIMIT_SIGN_IN"] = "2 per minute"
    for _ in range(2):
        client.post("/account/sign-in", data={"username": "a", "password": "b"})
    zh = client.post("/account/sign-in", data={"username": "a", "password": "b"})
    en = client.post("/account/sign-in", data={"username": "a", "password": "b"}, headers=EN)
    assert (zh.status_code, en.status_code) == (429, 429)
    assert ("请求过于频繁" in page(zh), "Too many requests" in page(en)) == (True, True)


def test_500_in_both_languages_without_a_stack_trace(client, app, monkeypatch):
    def broken():
        raise RuntimeError("secret internal detail")
    app.config["RENDER_500_IN_TESTS"] = True
    monkeypatch.setitem(app.view_functions, "public.notice", broken)
    zh, en = client.get("/notice/2023"), client.get("/notice/2023", headers=EN)
    assert (zh.status_code, en.status_code) == (500, 500)
    assert ("系统出错" in page(zh), "Something went wrong" in page(en)) == (True, True)
    assert ("secret internal detail" in page(en), "Traceback" in page(en)) == (False, False)


def test_htmx_error_answers_a_fragment(client):
    response = client.get("/no-such-page", headers={"HX-Request": "true", **EN})
    assert (response.status_code, "<html" in page(response)) == (404, False)
    assert "Page not found" in page(response)


# Health ------------------------------------------------------------------------------------

def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (
        200, {"status": "ok", "database": "ok"})


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from smplatform.extensions import db as database

    def fail(*args, **kwargs):
        raise ConnectionError("database is down")
    monkeypatch.setattr(database.session, "execute", fail)
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (
        503, {"status": "degraded", "database": "error"})
