"""The administrators' landing page: the tools of the signed-in administrator's role."""
from __future__ import annotations

from smplatform.permissions import is_administrator
from smplatform.web import Routes, allow, page

routes = Routes()


@routes.get("/")
def home():
    allow(is_administrator)
    return page("admin/home.html")
