"""Notice bodies are Markdown rendered and sanitised (no script gets through, in the page or
in the feed); the Atom feed is valid XML with what RFC 4287 requires; attachments are
content-checked and downloaded through the permission check."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from defusedxml import ElementTree as ET

import pytest

from smplatform import richtext
from smplatform.extensions import db
from tests.support.announcements import EN, new_notice, publish, text
from tests.support.evaluations import PDF

NOW = datetime(2023, 3, 10, 2, 0, tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://example.com\"></iframe>",
    "<svg onload=alert(1)>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](https://example.com/x.png)",
]


class _Elements(HTMLParser):
    """Every element and attribute of an HTML text, as a browser's parser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangerous(html: str) -> list:
    """What in `html` could run script: such elements, event handlers, styles, and links
    that are not http(s), mailto or relative."""
    parser = _Elements()
    parser.feed(html)
    bad = []
    for tag, attrs in parser.found:
        if tag in ("script", "iframe", "svg", "img", "object", "embed", "style", "math"):
            bad.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                bad.append(f"{tag}[{name}]")
            if name in ("href", "src") and re.match(r"\s*[a-z][a-z0-9+.-]*:", value or "", re.I) \
                    and not re.match(r"\s*(https?|mailto):", value, re.I):
                bad.append(f"{tag}[{name}={value}]")
    return bad


@pytest.fixture
def ministry(make, login_as, clock):
    clock.set(NOW)
    return login_as(make.ministry())


@pytest.mark.parametrize("attack", ATTACKS)
def test_rendered_body_carries_no_script(attack):
    html = str(richtext.render(f"正文\n\n{attack}\n\n**粗体**"))
    assert dangerous(html) == []
    assert "<strong>粗体</strong>" in html


@pytest.mark.parametrize("attack", ATTACKS)
def test_sanitiser_alone_removes_what_markdown_would_never_make(attack):
    """Defence in depth: were the renderer to pass HTML through, nh3 still cleans it."""
    assert dangerous(richtext.clean(attack)) == []


def test_the_check_itself_finds_script():
    assert dangerous('<p onclick="x">a</p><a href="javascript:x">b</a><script></script>') \
        == ["p[onclick]", "a[href=javascript:x]", "script"]


def test_markdown_formats_and_keeps_safe_links():
    html = str(richtext.render("# 标题\n\n- 一\n- 二\n\n[帮助](/help) [外部](https://example.com)"
                               "\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<h2>标题</h2>" in html  # headings move down: the page's title is its only h1
    assert "<ul>\n<li>一</li>\n<li>二</li>\n</ul>" in html
    assert '<a href="/help" rel="noopener noreferrer nofollow">帮助</a>' in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">外部</a>' in html
    assert "<td>1</td>" in html


def test_raw_html_is_shown_as_text():
    assert str(richtext.render("<b>x</b>")) == "<p>&lt;b&gt;x&lt;/b&gt;</p>\n"


def test_script_in_a_notice_never_reaches_the_page_or_the_feed(ministry, client):
    body = "\n\n".join(ATTACKS)
    notice = new_notice(ministry, "<script>alert('t')</script>标题", body,
                        title_en="<img src=x onerror=alert(2)>", body_en=body)
    publish(ministry, notice)
    for headers in ({}, EN):
        page = text(client.get(f"/notices/{notice.id}", headers=headers))
        main = page.split('<main', 1)[1].split("</main>", 1)[0]
        assert dangerous(main) == []
        for url in ("/notices", "/"):
            listing = text(client.get(url, headers=headers)).split("<main", 1)[1]
            assert dangerous(listing.split("</main>", 1)[0]) == []
    feed = client.get("/notices/feed.atom", headers=EN).get_data()
    root = ET.fromstring(feed)
    content = root.find(f"{ATOM}entry/{ATOM}content").text
    assert dangerous(content) == []
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "<img src=x onerror=alert(2)>"


def test_feed_is_valid_atom(ministry, client, make, login_as, clock):
    publish(ministry, new_notice(ministry, "部的通知 & 说明", "第一段\n\n第二段",
                                 title_en="Ministry notice", body_en="First"))
    clock.advance(minutes=5)
    guangdong = login_as(make.province("440000"))
    publish(guangdong, new_notice(guangdong, "广东的通知"))
    new_notice(ministry, "草稿不出现")
    response = client.get("/notices/feed.atom", headers=EN)
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{ATOM}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    # RFC 4287 §4.1.1: a feed has exactly one id, title, updated; an author (or each entry
    # has one); entries each have exactly one id, title, updated and an alternate link.
    for tag in ("id", "title", "updated"):
        assert len(root.findall(f"{ATOM}{tag}")) == 1, tag
    assert root.find(f"{ATOM}author/{ATOM}name").text
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["广东的通知", "Ministry notice"]
    for entry in entries:
        for tag in ("id", "title", "updated", "published", "summary", "content"):
            assert len(entry.findall(f"{ATOM}{tag}")) == 1, tag
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert re.fullmatch(r"http://localhost/notices/\d+", link)
        assert client.get(link.removeprefix("http://localhost")).status_code == 200
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text)
    assert entries[1].find(f"{ATOM}updated").text == "2023-03-10T02:00:00Z"
    assert entries[0].find(f"{ATOM}author/{ATOM}name").text == "Guangdong"
    only_guangdong = ET.fromstring(client.get("/notices/feed.atom?unit=440000").get_data())
    assert [e.find(f"{ATOM}title").text for e in only_guangdong.findall(f"{ATOM}entry")] == [
        "广东的通知"]


def test_empty_feed_is_valid(client):
    root = ET.fromstring(client.get("/notices/feed.atom").get_data())
    assert (root.tag, root.findall(f"{ATOM}entry")) == (f"{ATOM}feed", [])


# Attachments -------------------------------------------------------------------------------


def attach(client, notice, content: bytes, name: str, title: str = ""):
    return client.post(f"/publishing/announcements/{notice.id}/attachments",
                       data={"file": (io.BytesIO(content), name), "title": title},
                       content_type="multipart/form-data", headers=EN)


def test_attachment_is_checked_and_served_only_when_readable(ministry, client):
    notice = new_notice(ministry)
    refused = attach(ministry, notice, b"<html>not a pdf</html>", "fake.pdf")
    assert refused.status_code == 422
    assert "not an accepted document" in text(refused)
    assert attach(ministry, notice, PDF, "附件1.pdf", "附件1：申报书").status_code == 302
    db.session.expire_all()
    attachment = notice.attachments[0]
    url = f"/notices/{notice.id}/attachments/{attachment.id}"
    assert client.get(url).status_code == 302  # a draft's file: sign in first
    assert ministry.get(url).get_data() == PDF
    publish(ministry, notice)
    response = client.get(url)
    assert (response.status_code, response.get_data()) == (200, PDF)
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "附件1：申报书" in text(client.get(f"/notices/{notice.id}"))
    # Another notice's id in the path does not reach this file.
    other = new_notice(ministry)
    publish(ministry, other)
    assert client.get(f"/notices/{other.id}/attachments/{attachment.id}").status_code == 404


def test_attachment_removed_goes_with_its_file(ministry, client):
    notice = new_notice(ministry)
    attach(ministry, notice, PDF, "a.pdf")
    db.session.expire_all()
    attachment_id = notice.attachments[0].id
    response = ministry.post(
        f"/publishing/announcements/{notice.id}/attachments/{attachment_id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert notice.attachments == []
    assert ministry.get(f"/notices/{notice.id}/attachments/{attachment_id}").status_code == 404


def test_attachment_without_a_file_says_so(ministry):
    notice = new_notice(ministry)
    response = ministry.post(f"/publishing/announcements/{notice.id}/attachments",
                             data={}, headers=EN)
    assert response.status_code == 422
    assert "Choose a file to attach." in text(response)
