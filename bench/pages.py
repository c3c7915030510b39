"""The pages the benchmark loads. Users are those created by bench/generate.py."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Page:
    name: str
    path: str | Callable
    user: str | None = None
    method: str = "GET"
    body: dict | Callable | None = None
    headers: dict | None = None
    connections: int | None = None


PAGES: list[Page] = [
    Page("public home page", "/"),
    Page("health check", "/healthz"),
]
