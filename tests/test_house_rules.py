"""House rules that keep one way through every request (STYLE.md, smplatform/web.py)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "smplatform"
AREAS = ("public", "auth", "applicant", "city", "province", "ministry", "expert")


def _transaction_calls(source: str) -> list[tuple[int, str]]:
    """(line, name) of every `….commit()` and `….rollback()` call in a module's source."""
    return [(node.lineno, node.func.attr) for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("commit", "rollback")]


@pytest.mark.parametrize("area", AREAS)
def test_routes_never_commit_or_roll_back(area):
    """web.perform commits and rolls back; a route module never does."""
    found = [f"{path.relative_to(PACKAGE.parent)}:{line} {name}()"
             for path in sorted((PACKAGE / area).rglob("*.py"))
             for line, name in _transaction_calls(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_rule_sees_every_way_of_committing():
    source = ("def view():\n    db.session.commit()\n    db.session().rollback()\n"
              "    session = db.session\n    session.commit()\n")
    assert _transaction_calls(source) == [(2, "commit"), (3, "rollback"), (5, "commit")]


def test_no_import_is_left_below_code():
    """No `noqa: E402` (an import after code: the sign of an import circle)."""
    marked = [f"{path.relative_to(PACKAGE.parent)}:{number}"
              for path in sorted(PACKAGE.rglob("*.py"))
              for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
              if "noqa: E402" in line or ("noqa:" in line and "E402" in line)]
    assert marked == []


def test_the_readme_shows_a_real_route():
    """README "How a request flows" quotes ministry/decisions.py as it is."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How a request flows", 1)[1]
    quoted = section.split("```python\n", 1)[1].split("```", 1)[0]
    source = (PACKAGE / "ministry" / "decisions.py").read_text(encoding="utf-8")
    assert quoted.strip() in source


TEMPLATES = PACKAGE / "templates"
# A state written out as a string beside a comparison: `x.state == "passed"`, `x.status in ("a",`.
STATE_LITERAL = re.compile(r"""\.(state|status|submission)\s*(==|!=|not in|in)\s*\(?\s*["']""")
WORKFLOW_READ = re.compile(r"\b(WORKFLOW|workflow|rules)\.can\(")


def _template_lines(pattern: re.Pattern) -> list[str]:
    return [f"{path.relative_to(TEMPLATES)}:{number}"
            for path in sorted(TEMPLATES.rglob("*.html"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]


def test_templates_compare_states_with_their_enums():
    assert _template_lines(STATE_LITERAL) == []


def test_templates_ask_a_permission_not_the_state_table():
    """A button asks can_* (permissions.py), which reads the workflow table."""
    assert _template_lines(WORKFLOW_READ) == []


@pytest.mark.parametrize(("line", "caught"), [
    ('{% if d.state == "passed" %}', True), ("{% if r.state in ('a', 'b') %}", True),
    ("{% if s.status != 'revoked' %}", True), ("{% if d.state == DeclarationState.PASSED %}",
                                               False)])
def test_the_state_rule_reads_templates_as_meant(line, caught):
    assert bool(STATE_LITERAL.search(line)) is caught
