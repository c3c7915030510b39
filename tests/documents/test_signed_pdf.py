"""Signed declaration PDFs: the platform's PAdES signature checked by independent validators
(pyHanko's validation API and poppler's pdfsig), a tampered copy that must fail, the
signature field a reader shows, the QR code on the cover, and /verify's PDF upload, which
says separately whether the signature holds and whether the content is as submitted.

Declarations are submitted through the applicant's real submit form.
"""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from sqlalchemy import select

from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import DeclarationSubmission
from smplatform.rules import numbering
from tests.support import declarations as h
from tests.support.helpers import english
from tests.support.documents import _pyhanko_status, _result, _upload, submit_through_form

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")






@pytest.fixture
def submitted(app, clock, make, login_as):
    """An enterprise declaration submitted through the applicant's form; its signed PDF."""
    clock.set(h.DURING)
    batch = h.batch5()
    user = make.applicant(unit="440000", name="深圳签名科技有限公司")
    declaration = h.ready(user, batch)
    client = english(login_as(user))
    declaration = submit_through_form(client, declaration)
    pdf = client.get(f"/applicant/declarations/{declaration.id}/pdf")
    assert pdf.status_code == 200
    return {"user": user, "client": client, "declaration": declaration, "pdf": pdf.data,
            "batch": batch}






def _pdfsig(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "check.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    return result.stdout + result.stderr


def _tampered(pdf: bytes) -> bytes:
    """The same file with one character of the cover's visible text metadata changed: a
    byte inside the signed range (the document's /Producer entry)."""
    index = pdf.index(b"WeasyPrint")
    return pdf[:index] + b"X" + pdf[index + 1:]


# ------------------------------------------------------------------ independent validators


def test_submitted_pdf_signature_is_valid_for_pyhanko(app, submitted):
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    status = _pyhanko_status(app, submitted["pdf"])
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == \
        (True, True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == \
        "smplatform demo signing certificate"


def test_submitted_pdf_is_pades(app, submitted):
    from pyhanko.pdf_utils.reader import PdfFileReader
    signature = PdfFileReader(io.BytesIO(submitted["pdf"])).embedded_signatures[0]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_submitted_pdf_signature_is_valid_for_pdfsig(submitted, tmp_path):
    out = _pdfsig(tmp_path, submitted["pdf"])
    assert "Signature Validation: Signature is Valid." in out
    assert "Total document signed" in out
    assert "Signature Type: ETSI.CAdES.detached" in out


def test_tampered_copy_fails_pyhanko(app, submitted):
    status = _pyhanko_status(app, _tampered(submitted["pdf"]))
    assert (status.intact, status.bottom_line) == (False, False)


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils not installed")
def test_tampered_copy_fails_pdfsig(submitted, tmp_path):
    out = _pdfsig(tmp_path, _tampered(submitted["pdf"]))
    assert "Signature Validation: Digest Mismatch." in out


def test_pdf_shows_the_signature_field_on_the_cover(submitted):
    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(submitted["pdf"]))
    fields = reader.get_fields()
    assert fields["PlatformSignature"]["/FT"] == "/Sig"
    assert fields["PlatformSignature"]["/V"]["/Filter"] == "/Adobe.PPKLite"
    widgets = [a.get_object() for a in reader.pages[0]["/Annots"]]
    signature = [w for w in widgets if w.get("/T") == "PlatformSignature"]
    x1, y1, x2, y2 = (float(v) for v in signature[0]["/Rect"])
    assert (x2 - x1 > 150, y2 - y1 > 40) == (True, True)  # visible, not a zero-size field


def test_signed_pdf_carries_the_fingerprint_recorded_at_submission(app, submitted):
    from pypdf import PdfReader
    d = submitted["declaration"]
    recorded = db.session.scalars(select(DeclarationSubmission).where(
        DeclarationSubmission.declaration_id == d.id)).all()
    assert [(r.seq, r.content_sha256) for r in recorded] == \
        [(1, numbering.content_digest(d.electronic_number, d.data))]
    info = PdfReader(io.BytesIO(submitted["pdf"])).metadata
    assert (info["/SmpKind"], info["/SmpNumber"], info["/SmpContentSha256"]) == \
        ("declaration", d.electronic_number, recorded[0].content_sha256)


def test_draft_pdf_is_not_signed(app, clock, make, login_as):
    clock.set(h.DURING)
    batch = h.batch5()
    user = make.applicant()
    draft = h.ready(user, batch)
    pdf = login_as(user).get(f"/applicant/declarations/{draft.id}/pdf").data
    from pypdf import PdfReader
    assert PdfReader(io.BytesIO(pdf)).get_fields() is None


def test_without_a_signing_certificate_no_unsigned_final_pdf_is_issued(app, submitted,
                                                                       tmp_path):
    app.config["SIGNING_KEY_PATH"] = str(tmp_path / "missing-key.pem")
    response = submitted["client"].get(
        f"/applicant/declarations/{submitted['declaration'].id}/pdf")
    assert response.status_code == 503
    assert "cannot sign documents at the moment" in response.get_data(as_text=True)
    assert response.data[:5] != b"%PDF-"


# ------------------------------------------------------------------ the QR code


def test_cover_qr_code_opens_verify_with_the_number(app, submitted, tmp_path, client):
    import zxingcpp
    from PIL import Image
    path = tmp_path / "d.pdf"
    path.write_bytes(submitted["pdf"])
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "150", "-png", str(path),
                    str(tmp_path / "cover")], check=True, timeout=60)
    image = Image.open(next(tmp_path.glob("cover*.png")))
    codes = zxingcpp.read_barcodes(image)
    number = submitted["declaration"].electronic_number
    assert [c.text for c in codes] == [f"http://localhost/verify?number={number}"]
    page = client.get(f"/verify?number={number}").get_data(as_text=True)
    assert f'value="{number}"' in page


# ------------------------------------------------------------------ /verify with the PDF






def test_verify_upload_of_the_signed_pdf_confirms_both(client, submitted):
    response, page = _upload(client, submitted["pdf"])
    d = submitted["declaration"]
    result = _result(page)
    assert response.status_code == 200
    assert result.startswith("Signature: valid Signed by the platform")
    assert ("Content: exactly as submitted The signed content is exactly declaration "
            f"{d.electronic_number} as submitted on 2023-04-10 10:00.") in result
    assert "深圳签名科技有限公司" in result


def test_verify_upload_of_a_tampered_copy_says_the_signature_failed(client, submitted):
    _, page = _upload(client, _tampered(submitted["pdf"]))
    result = _result(page)
    assert result.startswith("Signature: not valid The file was changed after it was signed")
    assert "Content: not confirmed Not checked: without a valid signature" in result


def test_verify_upload_with_a_revision_appended_after_signing_fails(app, client, submitted):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    writer = IncrementalPdfFileWriter(io.BytesIO(submitted["pdf"]))
    info = writer.trailer["/Info"]
    info[generic.NameObject("/Title")] = generic.TextStringObject("changed")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    _, page = _upload(client, out.getvalue())
    assert "Something was added to the file after it was signed" in _result(page)


def test_verify_upload_signed_by_another_certificate_is_untrusted(app, client, submitted,
                                                                   tmp_path):
    """The same declaration, rendered and signed the same way but with someone else's key."""
    from smplatform.documents import declaration_pdf, signing
    signing.create_demo_certificate(tmp_path / "k.pem", tmp_path / "c.pem",
                                    common_name="someone else")
    genuine = {k: app.config[k] for k in ("SIGNING_KEY_PATH", "SIGNING_CERT_PATH",
                                          "SIGNING_PASSPHRASE")}
    app.config.update(SIGNING_KEY_PATH=str(tmp_path / "k.pem"),
                      SIGNING_CERT_PATH=str(tmp_path / "c.pem"), SIGNING_PASSPHRASE=None)
    forged = declaration_pdf.render_declaration(submitted["declaration"])
    app.config.update(genuine)
    _, page = _upload(client, forged)
    result = _result(page)
    assert "The file is signed, but not with a certificate of this platform." in result
    assert "Not checked" in result


def test_verify_upload_of_an_unsigned_or_non_pdf_file(client, submitted):
    _, page = _upload(client, h.pdf_bytes())
    assert "This PDF carries no digital signature." in _result(page)
    _, page = _upload(client, b"GIF89a not a pdf", "x.pdf")
    assert "This file is not a PDF, or it is damaged." in _result(page)


def test_verify_upload_without_a_file_is_refused_with_a_message(client, app):
    response = client.post("/verify/pdf", data={}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Choose the PDF file to check." in response.get_data(as_text=True)


def test_verify_upload_in_chinese(client, submitted):
    response = client.post("/verify/pdf",
                           data={"pdf": (io.BytesIO(submitted["pdf"]), "d.pdf")},
                           content_type="multipart/form-data",
                           headers={"Accept-Language": "zh-CN"})
    result = _result(response.get_data(as_text=True))
    assert result.startswith("签名：有效")
    assert "内容：与提交时完全一致" in result


def test_verify_upload_of_a_superseded_submission_says_it_is_out_of_date(
        app, client, submitted, make, login_as, clock):
    """Returned for revision, changed and resubmitted: the first PDF's signature still holds,
    but its content is an earlier submission; the new PDF matches."""
    from smplatform.services import review
    d = submitted["declaration"]
    officer = make.province("440000")
    review.start_review(actor=officer, declaration=d)
    review.return_declaration(actor=officer, declaration=d, comment="请补充", section_comments={})
    db.session.commit()
    _, page = _upload(client, submitted["pdf"])
    assert "has since been returned for revision and may change" in _result(page)
    clock.advance(minutes=10)
    data = dict(d.data)
    section = "narrative"
    raw = h.section_raw(d.category, section, data)
    first = next(iter(raw))
    raw[first] = raw[first] + "（修改）"
    response = submitted["client"].post(
        f"/applicant/declarations/{d.id}/sections/{section}",
        data={**raw, "version": str(d.version)})
    assert response.headers["Location"].endswith(f"/sections/{section}")
    d = submit_through_form(submitted["client"], d)
    assert d.state == DeclarationState.SUBMITTED
    _, page = _upload(client, submitted["pdf"])
    assert "but it was changed and submitted again on 2023-04-10 10:10: this copy is out of " \
        "date." in _result(page)
    new_pdf = submitted["client"].get(f"/applicant/declarations/{d.id}/pdf").data
    _, page = _upload(client, new_pdf)
    assert "Content: exactly as submitted" in _result(page)


