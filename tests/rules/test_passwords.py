"""Password policy: length, character classes, common passwords, the user name; configurable."""
import pytest

from smplatform.rules.passwords import PasswordPolicy, PasswordProblem, character_classes, problems


def test_good_password_has_no_problems():
    assert problems("Correct-Horse-42", username="liming") == []


def test_too_short():
    assert problems("Ab1-xyz", username="") == [PasswordProblem.TOO_SHORT]


def test_nine_characters_is_too_short_ten_is_enough():
    assert (problems("Abcdefg1-"), problems("Abcdefg1-x")) == ([PasswordProblem.TOO_SHORT], [])


@pytest.mark.parametrize("password", ["alllowercaseletters", "lowercase1234567", "ALLUPPER12345"])
def test_two_classes_are_too_few(password):
    assert problems(password) == [PasswordProblem.TOO_FEW_CLASSES]


@pytest.mark.parametrize("password", ["lower-UPPER-x", "lowerUPPER123", "lower123!!!!", "UPPER123!!!!"])
def test_any_three_classes_suffice(password):
    assert problems(password) == []


def test_character_classes_counts_four():
    assert character_classes("aA1!") == 4


def test_chinese_characters_count_as_symbols():
    assert character_classes("abc123密码") == 3


@pytest.mark.parametrize("password", ["Password123!", "Qwerty123456!", "P@ssw0rd1234"])
def test_common_passwords_refused(password):
    assert PasswordProblem.COMMON in problems(password)


def test_contains_username_case_insensitive():
    assert problems("Zhang-San-2023!", username="zhang-san") == [PasswordProblem.CONTAINS_USERNAME]


def test_short_usernames_are_not_searched_for():
    assert problems("Correct-Horse-42", username="or") == []


def test_policy_is_configurable():
    policy = PasswordPolicy(min_length=16, min_classes=4)
    assert problems("Correct-Horse-4", policy=policy) == [PasswordProblem.TOO_SHORT]
    assert problems("correct-horse-battery-42", policy=policy) == [PasswordProblem.TOO_FEW_CLASSES]
