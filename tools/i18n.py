"""Translation catalogs: extract messages, list untranslated ones, compile.

The Simplified Chinese catalog is split by area into several .po files under
smplatform/translations/zh_CN/LC_MESSAGES/ (foundation.po, declarations.po, ...), so that
work on different areas never edits the same file. `compile` merges them into the single
messages.mo that Flask-Babel loads, written to translations/zh/LC_MESSAGES/: Babel parses
"zh_CN" as zh_Hans_CN, and gettext looks for that name and then for plain "zh". Message
ids are the English texts, so English needs no catalog.

    python tools/i18n.py extract        # print the number of messages in the code
    python tools/i18n.py missing        # list messages with no Chinese translation
    python tools/i18n.py compile        # write messages.mo (run by make)
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "smplatform"
CATALOG_DIR = PACKAGE / "translations" / "zh_CN" / "LC_MESSAGES"
MO_DIR = PACKAGE / "translations" / "zh" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None,
            "_l": None, "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}


def _directory_filter(dirpath: str) -> bool:
    """Skip hidden and cache folders, but not `_macros` (Babel's default skips every `_*`)."""
    name = Path(dirpath).name
    return not name.startswith(".") and name != "__pycache__"


def extract() -> dict[str | tuple, list[str]]:
    """Every message id in the code and templates, with where it occurs."""
    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), METHODS, keywords=KEYWORDS, options_map=OPTIONS,
            directory_filter=_directory_filter):
        found.setdefault(message, []).append(f"{filename}:{lineno}")
    return found


def load_catalog() -> tuple[Catalog, list[str]]:
    """All zh_CN .po files merged into one catalog; the second value lists conflicts."""
    merged = Catalog(locale="zh_CN", domain="messages")
    conflicts = []
    for po in sorted(CATALOG_DIR.glob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="zh_CN")
        for message in catalog:
            if not message.id:
                continue
            existing = merged.get(message.id, message.context)
            if existing is not None and existing.string and message.string \
                    and existing.string != message.string:
                conflicts.append(f"{po.name}: {message.id!r} translated differently elsewhere")
            if existing is None or not existing.string:
                merged.add(message.id, message.string, context=message.context,
                           flags=message.flags)
    return merged, conflicts


def _key(message_id):
    return message_id[0] if isinstance(message_id, tuple) else message_id


def missing() -> list[str]:
    catalog, _ = load_catalog()
    result = []
    for message_id in extract():
        entry = catalog.get(message_id)
        if entry is None or not entry.string or "fuzzy" in entry.flags or (
                isinstance(entry.string, tuple) and not all(entry.string)):
            result.append(_key(message_id))
    return result


def compile_catalog() -> Path:
    catalog, conflicts = load_catalog()
    for conflict in conflicts:
        print("warning:", conflict, file=sys.stderr)
    MO_DIR.mkdir(parents=True, exist_ok=True)
    target = MO_DIR / "messages.mo"
    with target.open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    return target


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "compile"
    if command == "extract":
        print(len(extract()), "messages")
    elif command == "missing":
        items = missing()
        for item in items:
            print(item)
        print(len(items), "untranslated", file=sys.stderr)
        return 1 if items else 0
    elif command == "compile":
        print("wrote", compile_catalog().relative_to(ROOT))
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
