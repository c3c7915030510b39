import pytest

from smplatform.rules import rubric as r


@pytest.mark.parametrize("category", ["enterprise", "platform", "city"])
def test_default_rubric_weights_sum_to_100(category):
    criteria = r.rubric_for(category)
    assert sum(c.weight for c in criteria) == 100
    assert r.rubric_problems(criteria) == []


@pytest.mark.parametrize("category", ["enterprise", "platform", "city"])
def test_default_rubric_is_bilingual(category):
    assert all(c.name_zh and c.name_en for c in r.rubric_for(category))


def test_rubric_problems_found():
    bad = (r.Criterion("a", "甲", "A", 60), r.Criterion("a", "乙", "B", 0))
    assert r.rubric_problems(bad) == ["weights_sum", "weight_not_positive", "duplicate_key"]


def test_weighted_total_all_full_marks_is_100():
    criteria = r.rubric_for("enterprise")
    assert r.weighted_total(criteria, {c.key: 100 for c in criteria}) == 100.0


def test_weighted_total_weights_scores():
    criteria = (r.Criterion("a", "甲", "A", 25), r.Criterion("b", "乙", "B", 75))
    assert r.weighted_total(criteria, {"a": 80, "b": 60}) == 65.0


@pytest.mark.parametrize("scores", [{"a": 80}, {"a": 80, "b": 101}, {"a": -1, "b": 50},
                                    {"a": 1, "b": 1, "c": 1}])
def test_weighted_total_refuses_bad_scores(scores):
    criteria = (r.Criterion("a", "甲", "A", 25), r.Criterion("b", "乙", "B", 75))
    with pytest.raises(ValueError):
        r.weighted_total(criteria, scores)


def test_spread_mean_population_std_and_range():
    result = r.spread([70, 80, 90])
    assert result == r.Spread(mean=80.0, std_dev=8.16, range=20.0, count=3)


def test_spread_single_score():
    assert r.spread([75.5]) == r.Spread(mean=75.5, std_dev=0.0, range=0.0, count=1)


def test_spread_empty_raises():
    with pytest.raises(ValueError):
        r.spread([])


def test_strong_disagreement_above_threshold():
    assert r.strong_disagreement([60, 76]) is True


def test_strong_disagreement_at_threshold_is_not_flagged():
    assert r.strong_disagreement([60, 75, 70]) is False


def test_strong_disagreement_custom_threshold():
    assert r.strong_disagreement([60, 66], threshold=5) is True


def test_strong_disagreement_single_score():
    assert r.strong_disagreement([10]) is False
