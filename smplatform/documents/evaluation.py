"""The evaluation filing as PDF (WeasyPrint): the filing's identity and "page x of y" on
every page, CJK text in Noto Sans CJK SC."""
from __future__ import annotations

from flask import make_response, render_template

from smplatform import clock
from smplatform.models import EvaluationTask
from smplatform.rules import evaluation as rules


def render_pdf(task: EvaluationTask) -> bytes:
    from weasyprint import HTML
    html = render_template("applicant/evaluation_pdf.html", task=task, rules=rules,
                           printed_at=clock.now(), identity=identity(task))
    return HTML(string=html).write_pdf()


def identity(task: EvaluationTask) -> str:
    """The identity printed on every page: campaign, task number and version."""
    return f"EV{task.campaign.batch.year}-{task.unit_code}-{task.id:05d}-v{task.version}"


def pdf_response(task: EvaluationTask):
    response = make_response(render_pdf(task))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="evaluation-{identity(task)}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
