"""The declaration PDF for the city officer of the declaration's city (submitted ones only)."""
from __future__ import annotations

from smplatform import permissions
from smplatform.documents import declaration_pdf as pdf
from smplatform.models import Declaration
from smplatform.web import Routes, load

routes = Routes()


@routes.get("/declarations/<int:declaration_id>/pdf")
def declaration_pdf(declaration_id: int):
    """Download the declaration form as PDF, as the applicant submitted it."""
    declaration = load(Declaration, declaration_id, permissions.can_download_declaration_pdf)
    return pdf.send(declaration)
