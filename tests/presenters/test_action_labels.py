"""Every step a history can show has a label in both languages: the codes the workflow tables
allow, and the codes the services pass along as an action (read from their source), so that
adding a step without its label fails here."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from smplatform.enums import DeclarationAction, DeclarationState
from smplatform.rules import evaluation as evaluation_rules
from smplatform.rules import workflow
from smplatform.rules.evaluation import TaskAction, TaskState

SERVICES = Path(__file__).resolve().parents[2] / "smplatform" / "services"
# The services whose actions are evaluation steps; every other service's are declaration steps.
EVALUATION_SERVICES = {"evaluations.py"}


def _constants(node) -> set[str]:
    """String literals an argument can evaluate to (a literal, or either side of `a if c else b`)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _constants(node.body) | _constants(node.orelse)
    return set()


def _called_name(call: ast.Call) -> str | None:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def service_action_codes() -> dict[str, set[str]]:
    """Per services module, the action codes it passes: literals given as the `action`
    argument of any services function that takes one (by position or keyword), or assigned to
    a variable named `action`. Audit actions ("area.verb") are not steps and are left out."""
    trees = {p.name: ast.parse(p.read_text(encoding="utf-8"))
             for p in sorted(SERVICES.glob("*.py"))}
    positions: dict[str, set[int]] = {}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                params = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "action" in params:
                    positions.setdefault(node.name, set()).add(params.index("action"))
    found: dict[str, set[str]] = {}
    for name, tree in trees.items():
        codes = found.setdefault(name, set())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                for i in positions.get(_called_name(node), ()):
                    if i < len(node.args):
                        codes |= _constants(node.args[i])
                for kw in node.keywords:
                    if kw.arg == "action":
                        codes |= _constants(kw.value)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "action" for t in node.targets):
                codes |= _constants(node.value)
        found[name] = {c for c in codes if "." not in c}
    return found


def test_the_scan_finds_the_services_steps():
    """The scan itself works: it sees steps from several services and from evaluations."""
    found = service_action_codes()
    seen = {"declarations.py": {"submit", "resubmit", "withdraw"} <= found["declarations.py"],
            "review.py": {"start_review", "pass", "return", "reject"} <= found["review.py"],
            "selection.py": {"shortlist", "publish"} <= found["selection.py"],
            "evaluations.py": {"save", "confirm", "conclude"} <= found["evaluations.py"]}
    assert seen == dict.fromkeys(seen, True)


def test_every_declaration_action_the_services_use_has_a_label():
    found = service_action_codes()
    used = set().union(*(codes for name, codes in found.items()
                         if name not in EVALUATION_SERVICES))
    assert sorted(used - set(DeclarationAction)) == []


def test_every_evaluation_action_the_services_use_has_a_label():
    used = set().union(*(service_action_codes()[name] for name in EVALUATION_SERVICES))
    assert sorted(used - set(TaskAction)) == []


def test_every_workflow_table_action_has_a_label():
    """services.workflow.apply refuses any action not in the table, so the table's actions are
    every action a DeclarationEvent can hold (and likewise for evaluation events)."""
    declaration = {t.action for t in workflow.DECLARATION.transitions} - set(DeclarationAction)
    evaluation = {t.action for t in evaluation_rules.WORKFLOW.transitions} - set(TaskAction)
    assert (sorted(declaration), sorted(evaluation)) == ([], [])


def test_every_labelled_action_is_a_step_of_its_table():
    """No label for a step that cannot happen (a renamed code would leave one behind)."""
    declaration = set(DeclarationAction) - {t.action for t in workflow.DECLARATION.transitions}
    evaluation = set(TaskAction) - {t.action for t in evaluation_rules.WORKFLOW.transitions}
    assert (sorted(declaration), sorted(evaluation)) == ([], [])


def _labels(app, locale, enum) -> list[str]:
    # force_locale: the tests' app context (and its cached locale) outlives a request context.
    with app.test_request_context("/"), force_locale(locale):
        return [str(member.label) for member in enum]


@pytest.mark.parametrize("enum", [DeclarationAction, TaskAction, DeclarationState, TaskState],
                         ids=lambda e: e.__name__)
def test_labels_exist_in_both_languages_and_differ(app, enum):
    """English labels are the message ids; Chinese ones are translations (not the English
    text); within a language no two steps or states read the same."""
    english, chinese = _labels(app, "en", enum), _labels(app, "zh_CN", enum)
    untranslated = [e for e, z in zip(english, chinese, strict=True) if not e or e == z]
    assert (untranslated, len(set(english)), len(set(chinese))) == ([], len(enum), len(enum))


def test_label_of_an_unknown_code_is_the_code(app):
    with app.test_request_context("/"), force_locale("zh_CN"):
        labels = [DeclarationAction.label_of("legacy_import"), DeclarationAction.label_of(None),
                  DeclarationAction.label_of("submit"), TaskAction.label_of("archive"),
                  TaskState.label_of("confirmed")]
    assert labels == ["legacy_import", "", "提交", "archive", "省级已确认"]
