"""The notices as an Atom feed (RFC 4287), built with ElementTree so that it is always
well-formed XML whatever the notices say."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import url_for
from flask_babel import gettext as _

from smplatform import clock, richtext

NS = "http://www.w3.org/2005/Atom"


def _text(parent, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    element.text = text
    return element


def _iso(value) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _updated(a):
    return max(x for x in (a.publish_at, a.updated_at, a.withdrawn_at) if x is not None)


def feed(items, *, lang: str, unit: str | None = None) -> bytes:
    """The feed of `items` (public announcements, newest first) in `lang` ("zh"/"en")."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}feed", {"xml:lang": "en" if lang == "en" else "zh-CN"})
    args = {"unit": unit} if unit else {}
    self_url = url_for("public.notices_feed", _external=True, **args)
    _text(root, "id", self_url)
    _text(root, "title", _("Notices") + " · " + _(
        "Service-Oriented Manufacturing Public Service Platform"))
    _text(root, "updated", _iso(max((_updated(a) for a in items), default=clock.now())))
    ET.SubElement(root, f"{{{NS}}}link", {"rel": "self", "href": self_url,
                                           "type": "application/atom+xml"})
    ET.SubElement(root, f"{{{NS}}}link", {"rel": "alternate", "type": "text/html",
                                           "href": url_for("public.notices", _external=True,
                                                           **args)})
    author = ET.SubElement(root, f"{{{NS}}}author")
    _text(author, "name", _("Ministry of Industry and Information Technology"))
    for a in items:
        entry = ET.SubElement(root, f"{{{NS}}}entry")
        link = url_for("public.announcement", announcement_id=a.id, _external=True)
        title = a.title(lang)
        if a.status == "withdrawn":
            title = _("[Withdrawn] %(title)s", title=title)
        _text(entry, "id", link)
        _text(entry, "title", title)
        _text(entry, "published", _iso(a.publish_at))
        _text(entry, "updated", _iso(_updated(a)))
        ET.SubElement(entry, f"{{{NS}}}link", {"rel": "alternate", "type": "text/html",
                                                "href": link})
        if a.unit is not None:
            entry_author = ET.SubElement(entry, f"{{{NS}}}author")
            _text(entry_author, "name", a.unit.name_en if lang == "en" else a.unit.name_zh)
        _text(entry, "summary", richtext.plain(a.body(lang), 300))
        content = str(richtext.render(a.body(lang)))
        if a.status == "withdrawn":
            content = (f"<p><strong>{_('This notice was withdrawn.')}</strong> "
                       f"{_escape(a.withdrawn_reason or '')}</p>") + content
        _text(entry, "content", content, type="html")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _escape(text: str) -> str:
    from markupsafe import escape
    return str(escape(text))
