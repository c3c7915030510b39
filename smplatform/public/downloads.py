"""Public downloads: blank Annex 1 forms (PDF) and the Annex 2 summary template (Excel).

Both are generated from the same definitions as the online form and the province's summary
(rules/annex1.py, rules/annex2.py), and cached per process: they never change at runtime.
"""
from __future__ import annotations

from io import BytesIO

from flask import abort, send_file

from smplatform.documents import annex2_xlsx, declaration_pdf
from smplatform.permissions import can_view_public
from smplatform.rules import annex1
from smplatform.web import Routes, allow, lang, page

routes = Routes()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_AGE = 3600


@routes.get("/downloads")
def downloads():
    allow(can_view_public)
    language = lang()
    forms = [(category, definition.title.get(language))
             for category, definition in annex1.FORMS.items()]
    return page("public/downloads.html", forms=forms)


@routes.get("/downloads/annex1-<category>.pdf")
def annex1_blank(category: str):
    allow(can_view_public)
    if category not in annex1.FORMS:
        abort(404)
    return send_file(BytesIO(declaration_pdf.render_blank(category)),
                     mimetype="application/pdf", as_attachment=True,
                     download_name=f"annex1-{category}.pdf", max_age=MAX_AGE)


@routes.get("/downloads/annex2-template.xlsx")
def annex2_template():
    allow(can_view_public)
    return send_file(BytesIO(annex2_xlsx.blank_template()), mimetype=XLSX, as_attachment=True,
                     download_name="annex2-template.xlsx", max_age=MAX_AGE)
