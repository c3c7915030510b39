"""The expert scoring rubric (评分标准) per category, and aggregating reviewers' scores.

A rubric is a tuple of weighted criteria whose weights sum to 100. A reviewer gives each
criterion a score from 0 to 100; the review's total is the weighted mean, also 0 to 100. Per
declaration, the totals of its reviews give a mean and a spread; when reviewers disagree
strongly (max - min above a threshold) the declaration is flagged for the ministry to look at.
The rubric is a design: the notice does not publish one.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MAX_SCORE = 100
DISAGREEMENT_THRESHOLD = 15


@dataclass(frozen=True)
class Criterion:
    key: str
    name_zh: str
    name_en: str
    weight: int


DEFAULT_RUBRIC: dict[str, tuple[Criterion, ...]] = {
    "enterprise": (
        Criterion("service_share", "服务收入占比与增长", "Service revenue share and growth", 20),
        Criterion("innovation", "模式创新与主要做法", "Model innovation and main practices", 25),
        Criterion("results", "经济社会效益", "Economic and social results", 20),
        Criterion("capability", "服务能力与支撑条件", "Service capability and resources", 15),
        Criterion("demonstration", "示范推广价值", "Demonstration value", 20),
    ),
    "platform": (
        Criterion("operation", "平台运营与规模", "Platform operation and scale", 20),
        Criterion("capability", "资源整合与服务能力", "Resource integration and service "
                  "capability", 25),
        Criterion("innovation", "模式与技术创新", "Model and technical innovation", 20),
        Criterion("results", "服务成效", "Results for the enterprises served", 20),
        Criterion("demonstration", "示范推广价值", "Demonstration value", 15),
    ),
    "city": (
        Criterion("foundation", "产业基础", "Industrial foundation", 20),
        Criterion("policy", "政策措施与工作机制", "Policies, measures and working mechanisms", 25),
        Criterion("development", "服务型制造发展水平", "Level of service-oriented manufacturing",
                  25),
        Criterion("support", "公共服务支撑体系", "Public service support system", 15),
        Criterion("demonstration", "示范带动作用", "Leading and demonstration role", 15),
    ),
}


@dataclass(frozen=True)
class Spread:
    mean: float
    std_dev: float  # population standard deviation
    range: float  # max - min
    count: int


def rubric_for(category: str) -> tuple[Criterion, ...]:
    """The default rubric of a category; KeyError for an unknown category."""
    return DEFAULT_RUBRIC[str(category)]


def rubric_problems(criteria: Sequence[Criterion]) -> list[str]:
    """What is wrong with a rubric: weights must be positive and sum to 100, keys unique."""
    problems = []
    if sum(c.weight for c in criteria) != 100:
        problems.append("weights_sum")
    if any(c.weight <= 0 for c in criteria):
        problems.append("weight_not_positive")
    if len({c.key for c in criteria}) != len(criteria):
        problems.append("duplicate_key")
    return problems


def weighted_total(criteria: Sequence[Criterion], scores: Mapping[str, float]) -> float:
    """One review's total (0-100): the scores weighted by their criteria, rounded to 2 places.

    Raises ValueError when a criterion is unscored, a score is out of range, or a score names
    a criterion that is not in the rubric.
    """
    keys = {c.key for c in criteria}
    unknown = set(scores) - keys
    if unknown:
        raise ValueError(f"scores for unknown criteria: {sorted(unknown)}")
    total = 0.0
    for c in criteria:
        if c.key not in scores:
            raise ValueError(f"criterion {c.key!r} has no score")
        score = scores[c.key]
        if not 0 <= score <= MAX_SCORE:
            raise ValueError(f"score {score} for {c.key!r} is outside 0-{MAX_SCORE}")
        total += c.weight * score
    return round(total / 100, 2)


def spread(totals: Sequence[float]) -> Spread:
    """Mean, population standard deviation and range of a declaration's review totals."""
    if not totals:
        raise ValueError("no scores")
    mean = sum(totals) / len(totals)
    variance = sum((t - mean) ** 2 for t in totals) / len(totals)
    return Spread(mean=round(mean, 2), std_dev=round(math.sqrt(variance), 2),
                  range=round(max(totals) - min(totals), 2), count=len(totals))


def strong_disagreement(scores: Sequence[float], threshold: float = DISAGREEMENT_THRESHOLD) -> bool:
    """True when the reviewers' totals lie more than `threshold` points apart (max - min)."""
    if len(scores) < 2:
        return False
    return max(scores) - min(scores) > threshold
