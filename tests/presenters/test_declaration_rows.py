"""A list page's rows laid out in Python (presenters/declaration_rows.py) read as the template
laid them out before: each link is url_for's, each label the enum's in the page's language,
each time the `cst` filter's."""
from __future__ import annotations

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale
from flask_login import login_user
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import Forbidden, NotFound

from smplatform.enums import Category, DeclarationState
from smplatform.models import Declaration
from smplatform.presenters import declaration_rows
from smplatform.services.selection import page_rows
from smplatform.web import Loader, load
from tests.support import selection as helpers


@pytest.fixture
def batch(app):
    return helpers.make_batch()


def test_rows_match_url_for_labels_and_the_cst_filter(app, batch):
    made = [helpers.declaration(batch, "440000", name="广州甲装备有限公司", low_share=True),
            helpers.declaration(batch, "330000", category="platform",
                                state=DeclarationState.SUBMITTED),
            helpers.declaration(batch, "320000", category="city")]
    ids = [d.id for d in reversed(made)]
    for language in ("zh_CN", "en"):
        with app.test_request_context("/"), force_locale(language):
            rows = declaration_rows.rows(page_rows(ids), endpoint="ministry.declaration",
                                         unit_names={"440000": "广东省"})
            assert [r.id for r in rows] == ids  # the order of the page's ids
            for row, d in zip(rows, reversed(made), strict=True):
                assert row.href == url_for("ministry.declaration", declaration_id=d.id)
                assert row.category == str(Category(d.category).label)
                assert row.state == str(DeclarationState(d.state).label)
                assert row.submitted == render_template_string(
                    "{{ t|cst }}", t=d.submitted_at) != ""
                assert row.unit == ("广东省" if d.unit_code == "440000" else d.unit_code)
                assert row.low_service_share is bool(d.low_service_share)
            queue = declaration_rows.rows(page_rows(ids[:1]), endpoint="province.declaration")
            assert queue[0].href == url_for("province.declaration", declaration_id=ids[0])


def test_a_loader_loads_as_session_get_does(app, batch, make):
    d = helpers.declaration(batch, "440000")
    loader = Loader(Declaration, joinedload(Declaration.content), joinedload(Declaration.batch))
    ministry = make.ministry()
    with app.test_request_context("/"):
        login_user(ministry)
        loaded = load(loader, d.id, lambda user, obj: True)
        assert loaded.id == d.id and loaded.batch.id == batch.id
        assert loaded.data["basic_situation"] == "基本情况说明。"
        with pytest.raises(NotFound):
            load(loader, d.id + 1000, lambda user, obj: True)
        with pytest.raises(Forbidden):
            load(loader, d.id, lambda user, obj: False)
