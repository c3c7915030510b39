"""Fair scoring (评分校准): scores normalised per expert, each expert's leniency and agreement,
and when a declaration needs a further reviewer. Pure: no Flask, no database.

Experts score on their own scales: one gives 85 to an average declaration, another 65. Over a
batch, each expert's review totals have a mean and a spread; a review's normalised score is
its z-score within its expert's totals, put back on the batch's scale:

    normalised = batch mean + batch spread × (total − expert mean) / expert spread

where the batch mean and spread are those of every submitted total in the batch (population
standard deviations). A declaration's normalised score is the mean of its reviews'. An expert
with fewer than MIN_REVIEWS totals, or none apart, cannot be calibrated: its totals are kept
as they are (and shown as such).

Leniency is an expert's mean minus the batch mean (positive: scores high). Agreement is the
mean distance between an expert's normalised score and the other reviewers' mean on the same
declarations (lower: agrees more).

Disagreement is judged on normalised scores, so that a strict and a lenient reviewer who rank
a declaration alike are not flagged: a declaration is flagged when its normalised scores lie
more than DISAGREEMENT_THRESHOLD points apart. A flagged declaration whose reviews are all in,
by experts whose scores could all be normalised, gets one further reviewer (at most
FURTHER_REVIEWERS_MAX over its original number); it is checked again whenever one of its
experts submits another review, since that changes the expert's figures.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

MIN_REVIEWS = 3
DISAGREEMENT_THRESHOLD = 15.0
FURTHER_REVIEWERS_MAX = 1
FURTHER_REVIEW_DAYS = 7  # a further reviewer's time, when the first round's due date passed


@dataclass(frozen=True)
class Review:
    expert_id: int
    item_id: int
    total: float


@dataclass(frozen=True)
class ExpertStats:
    expert_id: int
    count: int
    mean: float
    std: float
    leniency: float  # mean − batch mean
    calibrated: bool  # enough totals, with some spread, to normalise
    agreement: float | None  # mean |own normalised − others' mean| on shared items
    shared: int  # items reviewed together with at least one other expert


@dataclass
class Normalisation:
    batch_mean: float | None
    batch_std: float | None
    experts: dict[int, ExpertStats] = field(default_factory=dict)
    scores: dict[tuple[int, int], float] = field(default_factory=dict)  # (expert, item)
    items: dict[int, float] = field(default_factory=dict)  # item -> mean normalised

    def item_scores(self, item_id: int) -> list[float]:
        return [v for (_e, i), v in self.scores.items() if i == item_id]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _std(values: Sequence[float]) -> float:
    m = _mean(values)
    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))


def normalise(reviews: Iterable[Review], *, min_reviews: int = MIN_REVIEWS) -> Normalisation:
    """Normalised scores of every review, per-item means, and every expert's figures.
    Figures are not rounded here (the pages round them)."""
    reviews = list(reviews)
    if not reviews:
        return Normalisation(None, None)
    totals = [r.total for r in reviews]
    batch_mean, batch_std = _mean(totals), _std(totals)
    by_expert: dict[int, list[float]] = defaultdict(list)
    for r in reviews:
        by_expert[r.expert_id].append(r.total)
    own: dict[int, tuple[float, float, bool]] = {}
    for expert_id, values in by_expert.items():
        mean, std = _mean(values), _std(values)
        own[expert_id] = (mean, std, len(values) >= min_reviews and std > 0)
    scores: dict[tuple[int, int], float] = {}
    for r in reviews:
        mean, std, calibrated = own[r.expert_id]
        scores[(r.expert_id, r.item_id)] = (
            batch_mean + batch_std * (r.total - mean) / std if calibrated else r.total)
    by_item: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for (expert_id, item_id), value in scores.items():
        by_item[item_id].append((expert_id, value))
    items = {item_id: _mean([v for _e, v in pairs]) for item_id, pairs in by_item.items()}
    distances: dict[int, list[float]] = defaultdict(list)
    for pairs in by_item.values():
        for expert_id, value in pairs:
            others = [v for e, v in pairs if e != expert_id]
            if others:
                distances[expert_id].append(abs(value - _mean(others)))
    experts = {
        expert_id: ExpertStats(
            expert_id=expert_id, count=len(by_expert[expert_id]), mean=mean, std=std,
            leniency=mean - batch_mean, calibrated=calibrated,
            agreement=_mean(distances[expert_id]) if distances[expert_id] else None,
            shared=len(distances[expert_id]))
        for expert_id, (mean, std, calibrated) in own.items()}
    return Normalisation(batch_mean, batch_std, experts, scores, items)


def disagreement(scores: Sequence[float], threshold: float = DISAGREEMENT_THRESHOLD) -> bool:
    """True when the (normalised) scores lie more than `threshold` points apart."""
    return len(scores) >= 2 and max(scores) - min(scores) > threshold


def needs_further_reviewer(*, normalised: Sequence[float], active: int, submitted: int,
                           further_so_far: int, calibrated: bool = True,
                           threshold: float = DISAGREEMENT_THRESHOLD,
                           cap: int = FURTHER_REVIEWERS_MAX) -> bool:
    """A further reviewer is asked for when every active review is in, every reviewer's
    scores could be normalised (`calibrated`: otherwise a strict and a lenient expert cannot
    be told from a real disagreement, and the ministry judges the flag itself), the
    normalised scores disagree beyond the threshold, and fewer than `cap` further reviewers
    were asked for."""
    return (submitted == active and calibrated and further_so_far < cap
            and disagreement(normalised, threshold))
