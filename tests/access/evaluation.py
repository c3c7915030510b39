"""Access table: evaluation of batches 1–4 and the public registry.

The objects belong to the world's applicant (a 440000 enterprise) and unit 440000, so the
province officer of 440000 may act on them; a 330000 task exists too and nobody but the
ministry may open it.
"""
from __future__ import annotations

import io

from tests.access import Access, everyone, only

ALL_200 = everyone(200)



def _setup(w) -> dict:
    """A campaign with the applicant's task (with an attachment and explanation file) and a
    Zhejiang task."""
    if "evaluation" in w.cache:
        return w.cache["evaluation"]
    from smplatform.extensions import db
    from smplatform.models import EvaluationAttachment
    from smplatform.services import evaluations, storage
    from tests.support import evaluations as h
    applicant = w.users["applicant"]
    entry = h.entry(name="访问表企业", code=applicant.organisation.credit_code,
                    organisation=applicant.organisation)
    other = h.entry(name="浙江企业", unit="330000")
    evaluations.open_campaign(actor=w.users["ministry"], batch=w.open_batch())
    task = h.task_of(entry)
    stored = storage.save(io.BytesIO(h.PDF), "a.pdf", allowed=storage.SCAN_KINDS)
    db.session.flush()
    attachment = EvaluationAttachment(task_id=task.id, file_id=stored.id)
    db.session.add(attachment)
    db.session.commit()
    w.cache["evaluation"] = {"task": task.id, "other": h.task_of(other).id,
                             "entry": entry.id, "attachment": attachment.id,
                             "file": stored.id}
    return w.cache["evaluation"]


def t(w) -> int:
    return _setup(w)["task"]


def a(w) -> int:
    return _setup(w)["attachment"]


def f(w) -> int:
    return _setup(w)["file"]


# The shared open batch's evaluation deadline lies ahead: the owner's save redirects (302);
# an empty submission is refused as incomplete (422, re-rendered).
ACCESS = [
    Access("public.registry_list", "/registry?batch=3&category=city", ALL_200),
    Access("public.registry_export", "/registry/export.csv", ALL_200),
    Access("applicant.evaluations_list", "/applicant/evaluations", only("applicant")),
    Access("applicant.evaluation", lambda w: f"/applicant/evaluations/{t(w)}", only("applicant")),
    Access("applicant.evaluation_save", lambda w: f"/applicant/evaluations/{t(w)}/save",
           only("applicant", 302), method="POST", data={"version": "0"}),
    Access("applicant.evaluation_autosave", lambda w: f"/applicant/evaluations/{t(w)}/autosave",
           only("applicant"), method="POST", data={"version": "0"}),
    Access("applicant.evaluation_submit", lambda w: f"/applicant/evaluations/{t(w)}/submit",
           only("applicant", 422), method="POST"),
    Access("applicant.evaluation_attach",
           lambda w: f"/applicant/evaluations/{t(w)}/attachments", only("applicant", 302),
           method="POST"),
    Access("applicant.evaluation_attachment",
           lambda w: f"/applicant/evaluations/{t(w)}/attachments/{a(w)}", only("applicant")),
    # Deleting comes after downloading: the owner's delete succeeds while the filing is open.
    Access("applicant.evaluation_detach",
           lambda w: f"/applicant/evaluations/{t(w)}/attachments/{a(w)}/delete",
           only("applicant", 302), method="POST"),
    Access("applicant.evaluation_pdf", lambda w: f"/applicant/evaluations/{t(w)}/pdf",
           only("applicant")),
    Access("province.evaluations_list", "/province/evaluations", only("province")),
    Access("province.evaluation_remind", "/province/evaluations/remind", only("province", 302),
           method="POST"),
    Access("province.evaluation", lambda w: f"/province/evaluations/{t(w)}", only("province")),
    # Not submitted: the officer of the unit is refused by the state table (422).
    Access("province.evaluation_confirm", lambda w: f"/province/evaluations/{t(w)}/confirm",
           only("province", 422), method="POST"),
    Access("province.evaluation_return", lambda w: f"/province/evaluations/{t(w)}/return",
           only("province", 422), method="POST", data={"comment": "x"}),
    Access("province.evaluation_status", lambda w: f"/province/evaluations/{t(w)}/status",
           only("province", 422), method="POST", data={"status": "nonsense"}),
    # The task is not marked: nobody can undo a mark (403), the unit's officer included.
    Access("province.evaluation_undo_status",
           lambda w: f"/province/evaluations/{t(w)}/undo-status",
           only("province", 403), method="POST", data={"reason": "x"}),
    Access("province.registry_link", lambda w: f"/province/registry/{_setup(w)['entry']}/link",
           only("province", 302), method="POST", data={"credit_code": "bad"}),
    Access("province.evaluation_file",
           lambda w: f"/province/evaluations/{t(w)}/files/{f(w)}", only("province")),
    Access("province.evaluation_pdf", lambda w: f"/province/evaluations/{t(w)}/pdf",
           only("province")),
    Access("ministry.evaluations_overview", "/ministry/evaluations", only("ministry")),
    Access("ministry.evaluation_open", "/ministry/evaluations/open", only("ministry", 302),
           method="POST"),
    Access("ministry.evaluation", lambda w: f"/ministry/evaluations/{t(w)}", only("ministry")),
    Access("ministry.evaluation_conclude", lambda w: f"/ministry/evaluations/{t(w)}/conclude",
           only("ministry", 422), method="POST", data={"conclusion": "qualified"}),
    Access("ministry.evaluation_file",
           lambda w: f"/ministry/evaluations/{t(w)}/files/{f(w)}", only("ministry")),
    Access("ministry.evaluation_pdf", lambda w: f"/ministry/evaluations/{t(w)}/pdf",
           only("ministry")),
    Access("ministry.registry_import", "/ministry/registry/import", only("ministry")),
    Access("ministry.registry_entry", lambda w: f"/ministry/registry/{_setup(w)['entry']}",
           only("ministry")),
    Access("ministry.registry_entry_correct",
           lambda w: f"/ministry/registry/{_setup(w)['entry']}", only("ministry", 422),
           method="POST", data={"reason": ""}),
    # The 330000 task: the 440000 officer and the applicant get 403, the ministry sees it.
    Access("province.evaluation", lambda w: f"/province/evaluations/{_setup(w)['other']}",
           only("province", 403)),
    Access("applicant.evaluation", lambda w: f"/applicant/evaluations/{_setup(w)['other']}",
           only("applicant", 403)),
    Access("ministry.evaluation", lambda w: f"/ministry/evaluations/{_setup(w)['other']}",
           only("ministry")),
]
