"""The applicant's area. Every route here requires the applicant role (checked before each
request)."""
from __future__ import annotations

from flask import render_template

from smplatform.web import Routes

routes = Routes()



@routes.get("/")
def dashboard():
    return render_template("applicant/dashboard.html")
