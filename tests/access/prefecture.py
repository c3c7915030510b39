"""Access table: the city's initial review and the province's setting of it."""
from __future__ import annotations

from tests.access import Access, expect, only


def _city_declaration(w):
    """A declaration of an organisation in Guangzhou, under the city's initial review (the
    world's city officer is Guangzhou's)."""
    if "prefecture" not in w.cache:
        from smplatform.enums import DeclarationState
        from smplatform.extensions import db
        from tests.support import documents as helpers
        w.open_batch()
        user = helpers.applicant(unit="440000")
        user.organisation.city_code = "440100"
        db.session.commit()
        d = helpers.declaration(user, sequence=9001)  # a number no other area uses
        d.city_code = "440100"
        d.state = DeclarationState.CITY_REVIEW
        db.session.commit()
        w.cache["prefecture"] = d.id
    return w.cache["prefecture"]


def _path(suffix=""):
    return lambda w: f"/city/declarations/{_city_declaration(w)}{suffix}"


def _batch(path):
    def resolve(w):
        w.open_batch()
        return path
    return resolve


ACCESS = [
    Access("city.dashboard", _batch("/city/"), only("city")),
    Access("city.declaration", _path(), only("city")),
    # Empty comment: refused with the message (the officer may act; 422).
    Access("city.declaration_return", _path("/return"), only("city", 422), method="POST",
           data={"comment": ""}),
    # Passing it on works for the city's officer (302), for nobody else.
    Access("city.declaration_pass", _path("/pass"), expect(403, anonymous=302, city=302),
           method="POST"),
    Access("province.prefecture_review", _batch("/province/prefecture"), only("province")),
    # Turning it on without the cities' deadline: the form's message.
    Access("province.prefecture_review_set", _batch("/province/prefecture"),
           only("province", 422), method="POST", data={"enabled": "1"}),
    # Taking declarations over before any cities' deadline has passed: refused, with why.
    Access("province.prefecture_take_over", _batch("/province/prefecture/take-over"),
           only("province", 409), method="POST"),
]
