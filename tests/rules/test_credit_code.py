"""Unified social credit code (GB 32100-2015): normalising and the check character."""
import pytest

from smplatform.rules import credit_code as cc

# Real codes printed on business licences (public company registrations).
VALID = ["91350100M000100Y43", "91440300708461136T", "9144030071526726XG"]


@pytest.mark.parametrize("code", VALID)
def test_problem_valid_code_is_none(code):
    assert cc.problem(code) is None


@pytest.mark.parametrize("code", VALID)
def test_check_character_matches_last_character(code):
    assert cc.check_character(code[:17]) == code[17]


def test_problem_wrong_check_character():
    assert cc.problem("91350100M000100Y44") == cc.CreditCodeProblem.CHECK


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", "9"])
def test_problem_wrong_length(code):
    assert cc.problem(code) == cc.CreditCodeProblem.LENGTH


def test_problem_empty():
    assert cc.problem("") == cc.CreditCodeProblem.EMPTY


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_problem_forbidden_letters(letter):
    assert cc.problem("91350100M000100Y4" + letter) == cc.CreditCodeProblem.CHARACTERS


def test_normalise_strips_spaces_and_upper_cases():
    assert cc.normalise(" 9135 0100m000100y43\t") == "91350100M000100Y43"


def test_normalise_none_is_empty():
    assert cc.normalise(None) == ""


def test_is_valid_accepts_lower_case_with_spaces():
    assert cc.is_valid("91350100m000 100y43") is True


def test_is_valid_rejects_bad_check():
    assert cc.is_valid("91350100M000100Y40") is False


def test_make_completes_a_valid_code():
    code = cc.make("91440101MA59D2MK1")
    assert (len(code), cc.problem(code)) == (18, None)


def test_every_single_character_change_is_detected():
    code = VALID[0]
    undetected = []
    for i in range(17):
        for ch in cc.ALPHABET:
            if ch != code[i]:
                changed = code[:i] + ch + code[i + 1:]
                if cc.problem(changed) is None:
                    undetected.append(changed)
    assert undetected == []
