"""The stamped scan is linked to the signed original by its electronic number: the QR code
on the printed, stamped and scanned cover is read back at upload; the province sees whether
it names this declaration, and cannot confirm a scan of another declaration's form.
The annex 2 summary PDF is signed too and checked on /verify."""
from __future__ import annotations

import io
import re
import subprocess

import pytest
from PIL import Image
from sqlalchemy import select

from smplatform.extensions import db
from smplatform.models import Declaration, StampedScanLink
from smplatform.services import review
from tests.support import declarations as h
from tests.support.documents import _pyhanko_status, _result, _upload, submit_through_form
from tests.support.helpers import english

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _scan(pdf: bytes, tmp_path, name: str) -> bytes:
    """The PDF's cover printed and scanned: rasterised at 150 dpi, rotated slightly and saved
    as a PDF of one image, as a scanner would."""
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "150", "-gray", "-png",
                    str(source), str(tmp_path / name)], check=True, timeout=60)
    image = Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L")
    image = image.rotate(1.5, expand=True, fillcolor=255)
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=150)
    return out.getvalue()


@pytest.fixture
def two_passed(app, clock, make, login_as):
    """Two declarations of two organisations, submitted through the form and passed."""
    clock.set(h.DURING)
    batch = h.batch5()
    officer = make.province("440000")
    out = []
    for name in ("甲公司", "乙公司"):
        user = make.applicant(unit="440000", name=name)
        client = english(login_as(user))
        d = submit_through_form(client, h.ready(user, batch))
        review.start_review(actor=officer, declaration=d)
        review.pass_declaration(actor=officer, declaration=d)
        db.session.commit()
        pdf = client.get(f"/applicant/declarations/{d.id}/pdf").data
        out.append({"user": user, "client": client, "d": d, "pdf": pdf})
    return {"officer": english(login_as(officer)), "items": out}


def _upload_scan(item, content: bytes):
    response = item["client"].post(
        f"/applicant/declarations/{item['d'].id}/attachments",
        data={"kind": "stamped_scan", "file": (io.BytesIO(content), "stamped.pdf")},
        content_type="multipart/form-data")
    assert response.status_code in (302, 303)
    db.session.expire_all()
    return db.session.scalar(select(StampedScanLink).where(
        StampedScanLink.declaration_id == item["d"].id))


def _page(officer, d) -> str:
    return re.sub(r"\s+", " ", officer.get(f"/province/declarations/{d.id}").get_data(
        as_text=True))


def test_scan_of_its_own_signed_form_is_linked_by_number(two_passed, tmp_path):
    first = two_passed["items"][0]
    link = _upload_scan(first, _scan(first["pdf"], tmp_path, "own"))
    assert (link.number_read, link.submission.seq) == (first["d"].electronic_number, 1)
    page = _page(two_passed["officer"], first["d"])
    assert (f"The QR code on the scan reads {first['d'].electronic_number}: it is this "
            "declaration's signed form, as submitted on 2023-04-10 10:00.") in page
    response = two_passed["officer"].post(
        f"/province/declarations/{first['d'].id}/confirm-stamped",
        data={"number_matches": "1"})
    assert response.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(Declaration, first["d"].id).stamped_confirmed_at is not None


def test_scan_of_another_declarations_form_cannot_be_confirmed(two_passed, tmp_path):
    first, second = two_passed["items"]
    link = _upload_scan(first, _scan(second["pdf"], tmp_path, "other"))
    assert link.number_read == second["d"].electronic_number
    page = _page(two_passed["officer"], first["d"])
    assert f"The QR code on the scan reads {second['d'].electronic_number}, which is not " \
        "this declaration" in page
    response = two_passed["officer"].post(
        f"/province/declarations/{first['d'].id}/confirm-stamped",
        data={"number_matches": "1"}, follow_redirects=True)
    assert "names declaration" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Declaration, first["d"].id).stamped_confirmed_at is None


def test_scan_without_a_readable_code_is_compared_by_eye(two_passed, tmp_path):
    first = two_passed["items"][0]
    out = io.BytesIO()
    Image.new("L", (1240, 1754), 255).save(out, format="PDF", resolution=150)
    link = _upload_scan(first, out.getvalue())
    assert link.number_read is None
    page = _page(two_passed["officer"], first["d"])
    assert "No QR code could be read from the scan: compare the electronic number" in page


# ------------------------------------------------------------------ the Annex 2 summary


def test_summary_pdf_is_signed_and_verified_as_the_current_list(app, two_passed, client):
    officer = two_passed["officer"]
    first = two_passed["items"][0]
    assert officer.post("/province/recommendations/add",
                        data={"declaration_id": first["d"].id}).status_code in (302, 303)
    pdf = officer.get("/province/summary.pdf").data
    status = _pyhanko_status(app, pdf)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    _, page = _upload(client, pdf, "annex2.pdf")
    result = _result(page)
    assert result.startswith("Signature: valid")
    assert ("This is the recommendation list of Guangdong for batch 5 as it stands "
            "now, but the list has not been submitted") in result
    second = two_passed["items"][1]
    officer.post("/province/recommendations/add", data={"declaration_id": second["d"].id})
    _, page = _upload(client, pdf, "annex2.pdf")
    assert "This summary does not match the recommendation list of Guangdong" \
        in _result(page)
