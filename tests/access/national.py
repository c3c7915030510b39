"""Access table: the national dashboard and the province's and ministry's attachment downloads.

(`ministry.dashboard` is listed in tests/access/foundation.py.)"""
from smplatform.enums import DeclarationState
from tests.access import Access, only

PROVINCE_ONLY = only("province")
MINISTRY_ONLY = only("ministry")


def _attachments(w):
    """A forwarded declaration of 440000 (the world officer's unit) with an attachment, and a
    draft of 440000 with one."""
    if "national" not in w.cache:
        with w.app.app_context():
            from tests.support.national import with_attachment
            from tests.support import selection as helpers
            batch = helpers.make_batch(number=8)
            # Numbers of another year: the world's real declarations are numbered 2023-...
            forwarded, fa, _ = with_attachment(batch, "440000", number="2031-440000-E-0001")
            draft, da, _ = with_attachment(batch, "440000", state=DeclarationState.DRAFT,
                                           number="2031-440000-E-0002")
            w.cache["national"] = {"forwarded": (forwarded.id, fa.id), "draft": (draft.id, da.id)}
    return w.cache["national"]


def path(area, key="forwarded"):
    def build(w):
        declaration_id, attachment_id = _attachments(w)[key]
        return f"/{area}/declarations/{declaration_id}/attachments/{attachment_id}"
    return build


ACCESS = [
    Access("ministry.attachment_download", path("ministry"), MINISTRY_ONLY),
    Access("ministry.attachment_download", path("ministry", "draft"),
           dict(MINISTRY_ONLY, ministry=403)),
    Access("province.attachment_download", path("province"), PROVINCE_ONLY),
    Access("province.attachment_download", path("province", "draft"),
           dict(PROVINCE_ONLY, province=403)),
]
