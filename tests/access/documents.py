"""Access table: declaration PDFs, public verification, public downloads."""
from tests.access import Access, everyone, expect, only

ALL_200 = everyone(200)



def submitted_declaration(w):
    """A submitted declaration of the world's applicant (unit 440000, the officer's unit).

    A platform declaration, since other areas give the same applicant an enterprise one.
    """
    if "documents.declaration" not in w.cache:
        from smplatform.enums import Category
        from tests.support import documents as helpers
        w.open_batch()
        w.cache["documents.declaration"] = helpers.declaration(w.users["applicant"],
                                                               category=Category.PLATFORM)
    return w.cache["documents.declaration"]


def verify_data(w):
    d = submitted_declaration(w)
    return {"number": d.electronic_number, "code": d.verification_code}


ACCESS = [
    Access("applicant.declaration_pdf",
           lambda w: f"/applicant/declarations/{submitted_declaration(w).id}/pdf",
           only("applicant")),
    # The world's declaration is of no city (tests/city/test_prefecture.py: its city's officer).
    Access("city.declaration_pdf",
           lambda w: f"/city/declarations/{submitted_declaration(w).id}/pdf",
           expect(403, anonymous=302)),
    Access("province.declaration_pdf",
           lambda w: f"/province/declarations/{submitted_declaration(w).id}/pdf",
           only("province")),
    Access("ministry.declaration_pdf",
           lambda w: f"/ministry/declarations/{submitted_declaration(w).id}/pdf",
           only("ministry")),
    Access("public.verify", "/verify", ALL_200),
    Access("public.verify", "/verify", ALL_200, method="POST", data=verify_data),
    # No file: the form's message (422), the same for everyone.
    Access("public.verify_pdf", "/verify/pdf", everyone(422), method="POST"),
    Access("public.downloads", "/downloads", ALL_200),
    Access("public.annex1_blank", "/downloads/annex1-enterprise.pdf", ALL_200),
    Access("public.annex2_template", "/downloads/annex2-template.xlsx", ALL_200),
]
