"""Both languages complete: every message in the code has a Chinese translation, and the
per-area catalogs never translate the same message differently."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
i18n = importlib.util.module_from_spec(spec)
spec.loader.exec_module(i18n)


def test_every_message_is_translated():
    assert i18n.missing() == []


def test_catalogs_have_no_conflicting_duplicates():
    _catalog, conflicts = i18n.load_catalog()
    assert conflicts == []


def test_extraction_covers_macros_and_templates():
    found = i18n.extract()
    assert ("Page %(n)d of %(m)d" in found, "Sign in" in found) == (True, True)


def test_catalogs_are_valid_utf8_po_files():
    names = []
    for po in sorted(i18n.CATALOG_DIR.glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN")
        names.append((po.name, str(catalog.locale)))
    assert ("foundation.po", "zh_Hans_CN") in names


def test_placeholders_survive_translation():
    catalog, _ = i18n.load_catalog()
    broken = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        for token in ("%(n)d", "%(m)d", "%(name)s", "%%"):
            if message.id.count(token) != message.string.count(token):
                broken.append(message.id)
    assert broken == []


def test_compiled_catalog_is_used(client):
    """Run `python tools/i18n.py compile` (make does) before the tests."""
    assert "登录" in client.get("/account/sign-in").get_data(as_text=True)
