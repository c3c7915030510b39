"""Access table: the applicant's declarations and their attachments."""
from __future__ import annotations

import io

from smplatform.extensions import db
from smplatform.services import attachments
from smplatform.services import declarations as service
from tests.access import Access, only


def _declaration(w):
    """The world applicant's draft enterprise declaration with one attachment."""
    if "declaration" not in w.cache:
        from tests.support.declarations import ATTESTED, pdf_bytes
        batch = w.open_batch()
        user = w.users["applicant"]
        d = service.start(actor=user, batch=batch, category="enterprise",
                          service_model="customised", attested=ATTESTED)
        a = attachments.upload(declaration=d, actor=user, kind="evidence",
                               stream=io.BytesIO(pdf_bytes()), filename="evidence.pdf")
        db.session.commit()
        w.cache["declaration"] = (d.id, a.id)
    return w.cache["declaration"]


def d_path(suffix=""):
    return lambda w: f"/applicant/declarations/{_declaration(w)[0]}{suffix}"


def a_path(suffix=""):
    return lambda w: (f"/applicant/declarations/{_declaration(w)[0]}/attachments/"
                      f"{_declaration(w)[1]}{suffix}")


def applicant_only(ok: int) -> dict[str, int]:
    return only("applicant", ok)


ACCESS = [
    Access("applicant.declaration_new", "/applicant/declarations/new", applicant_only(200)),
    Access("applicant.declaration", d_path(), applicant_only(200)),
    Access("applicant.declaration_preview", d_path("/preview"), applicant_only(200)),
    Access("applicant.declaration_section", d_path("/sections/contact"), applicant_only(200)),
    Access("applicant.attachment_download", a_path(), applicant_only(200)),
    Access("applicant.declaration_section", d_path("/sections/contact"), applicant_only(302),
           method="POST", data={"version": "1", "contact_title": "经理"}),
    Access("applicant.declaration_submit", d_path("/submit"), applicant_only(409),
           method="POST", data={"version": "2"}),
    # No earlier declaration named: refused with a message, back to the overview.
    Access("applicant.declaration_copy_previous", d_path("/copy-previous"), applicant_only(302),
           method="POST"),
    Access("applicant.declaration_withdraw", d_path("/withdraw"), applicant_only(409),
           method="POST"),
    Access("applicant.attachment_upload", d_path("/attachments"), applicant_only(302),
           method="POST", data={"kind": "evidence"}),
    Access("applicant.attachment_delete", a_path("/delete"), applicant_only(302),
           method="POST"),
]
