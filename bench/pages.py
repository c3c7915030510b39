"""The pages the benchmark loads (issue 7). Users are those created by bench/generate.py.

A path may be a callable taking the signed-in Session (bench/run.py), e.g. to find the
declaration of the account. `autosave` pages are measured with a wrk Lua script in which every
connection edits its own declaration and sends the version the previous answer gave it, so that
every request is a successful save (see bench/run.py measure_autosave).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# The applicant section that the form page shows and that autosave posts to. Autosave sends the
# changed field only (static/js/declaration.js): here a narrative of up to 3,000 characters.
SECTION = "narrative"


@dataclass
class Page:
    name: str
    path: str | Callable
    user: str | None = None
    method: str = "GET"
    body: dict | Callable | None = None
    headers: dict | None = None
    connections: int | None = None
    autosave: bool = False
    # For autosave: the accounts to sign in (one connection each).
    users: tuple[str, ...] = ()
    # For autosave: the field being typed in (its end changes on every request).
    field: str = ""


def section_path(section: str):
    def path(session) -> str:
        number = session.find("/applicant/", r"/applicant/declarations/(\d+)")
        return f"/applicant/declarations/{number}/sections/{section}"
    return path


declaration_path = section_path(SECTION)


AUTOSAVE_USERS = tuple(f"bench-autosave-{i:02d}" for i in range(1, 51))

PAGES: list[Page] = [
    Page("public home page", "/"),
    Page("health check", "/healthz"),
    Page("applicant: form section (narrative)", declaration_path, user="bench-applicant"),
    Page("applicant: autosave, narrative (htmx POST, 50 clients)", declaration_path,
         method="POST", autosave=True, users=AUTOSAVE_USERS, connections=50,
         field="basic_situation"),
    Page("applicant: autosave, small section (basic, 50 clients)", section_path("basic"),
         method="POST", autosave=True, users=AUTOSAVE_USERS, connections=50,
         field="registered_address"),
    Page("province: queue, filtered (440000)",
         "/province/declarations?category=enterprise&state=submitted&sort=-submitted",
         user="bench-province"),
    Page("province: queue, search (440000)", "/province/declarations?q=%E6%9C%89%E9%99%90",
         user="bench-province"),
    Page("ministry: dashboard", "/ministry/", user="bench-ministry"),
    Page("ministry: national declarations list", "/ministry/declarations",
         user="bench-ministry"),
    Page("ministry: national list, filtered",
         "/ministry/declarations?category=enterprise&state=passed&sort=number",
         user="bench-ministry"),
]
