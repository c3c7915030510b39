"""Fair scoring rules, checked against a hand-computed example.

Two experts, three declarations (batch mean 80, batch spread √(850/6) = 11.9024):

    expert A (strict-ish): d1 80, d2 70, d3 60 → mean 70, spread √(200/3) = 8.1650
    expert B (lenient):    d1 90, d2 85, d3 95 → mean 90, spread √(50/3)  = 4.0825

    z(A,d1) = +1.2247, z(A,d2) = 0, z(A,d3) = −1.2247
    z(B,d1) = 0, z(B,d2) = −1.2247, z(B,d3) = +1.2247
    normalised = 80 + 11.9024 × z:  A: 94.58, 80.00, 65.42;  B: 80.00, 65.42, 94.58
    per declaration: d1 87.29, d2 72.71, d3 80.00  (raw means 85, 77.5, 77.5)
    leniency: A −10, B +10; agreement (mean |own − other|):
    (14.58 + 14.58 + 29.16) / 3 = 19.44 for both
"""
from __future__ import annotations

import pytest

from smplatform.rules import scoring
from smplatform.rules.scoring import Review

A, B = 1, 2
EXAMPLE = [Review(A, 1, 80), Review(A, 2, 70), Review(A, 3, 60),
           Review(B, 1, 90), Review(B, 2, 85), Review(B, 3, 95)]


def _r(value):
    return None if value is None else round(value, 2)


def test_hand_computed_batch_figures():
    n = scoring.normalise(EXAMPLE)
    assert (_r(n.batch_mean), _r(n.batch_std)) == (80.0, 11.90)


def test_hand_computed_normalised_scores():
    n = scoring.normalise(EXAMPLE)
    assert {k: _r(v) for k, v in n.scores.items()} == {
        (A, 1): 94.58, (A, 2): 80.0, (A, 3): 65.42,
        (B, 1): 80.0, (B, 2): 65.42, (B, 3): 94.58}


def test_hand_computed_declaration_means():
    n = scoring.normalise(EXAMPLE)
    assert {k: _r(v) for k, v in n.items.items()} == {1: 87.29, 2: 72.71, 3: 80.0}


def test_hand_computed_expert_figures():
    n = scoring.normalise(EXAMPLE)
    figures = {e: (s.count, _r(s.mean), _r(s.std), _r(s.leniency), s.calibrated,
                   _r(s.agreement), s.shared) for e, s in n.experts.items()}
    assert figures == {A: (3, 70.0, 8.16, -10.0, True, 19.44, 3),
                       B: (3, 90.0, 4.08, 10.0, True, 19.44, 3)}


def test_a_constant_shift_is_removed_entirely():
    """B scores exactly 20 above A on everything: after normalisation they agree."""
    reviews = [Review(A, i, t) for i, t in ((1, 50), (2, 60), (3, 70))] + \
              [Review(B, i, t + 20) for i, t in ((1, 50), (2, 60), (3, 70))]
    n = scoring.normalise(reviews)
    assert [_r(n.scores[(A, i)]) == _r(n.scores[(B, i)]) for i in (1, 2, 3)] == [True] * 3
    assert [scoring.disagreement(n.item_scores(i)) for i in (1, 2, 3)] == [False] * 3
    assert [scoring.disagreement([t, t + 20]) for t in (50, 60, 70)] == [True] * 3  # raw


def test_an_expert_with_too_few_totals_keeps_raw_scores():
    reviews = EXAMPLE + [Review(3, 1, 99), Review(3, 2, 40)]
    n = scoring.normalise(reviews)
    assert (n.experts[3].calibrated, n.scores[(3, 1)], n.scores[(3, 2)]) == (False, 99, 40)


def test_an_expert_without_spread_keeps_raw_scores():
    reviews = [Review(A, i, 75) for i in (1, 2, 3)] + [Review(B, i, 60 + i) for i in (1, 2, 3)]
    n = scoring.normalise(reviews)
    assert (n.experts[A].calibrated, n.scores[(A, 2)]) == (False, 75)


def test_no_reviews():
    n = scoring.normalise([])
    assert (n.batch_mean, n.experts, n.items) == (None, {}, {})


@pytest.mark.parametrize("normalised,active,submitted,so_far,expected", [
    ([60, 80], 2, 2, 0, True),       # 20 apart, all in, none asked yet
    ([60, 75], 2, 2, 0, False),      # exactly 15 apart is not beyond the threshold
    ([60, 75.01], 2, 2, 0, True),
    ([60, 80], 3, 2, 0, False),      # a review still outstanding
    ([60, 80, 70], 3, 3, 1, False),  # a further reviewer was already asked for
    ([70], 1, 1, 0, False),          # one review cannot disagree
])
def test_needs_further_reviewer(normalised, active, submitted, so_far, expected):
    assert scoring.needs_further_reviewer(normalised=normalised, active=active,
                                          submitted=submitted, further_so_far=so_far) \
        is expected


def test_no_automatic_further_reviewer_while_a_reviewer_cannot_be_normalised():
    assert scoring.needs_further_reviewer(normalised=[60, 80], active=2, submitted=2,
                                          further_so_far=0, calibrated=False) is False
