"""smplatform/widgets.py: the select widget renders what WTForms' own Select renders."""
from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import SelectField as WTFormsSelectField

from smplatform.widgets import SelectField

CHOICES = [("", "全部 <any>"), ("a&b", 'Say "hi" & <b>bold</b>'), ("440000", "广东省"),
           ("x", "")]


def _forms(selected: str, **field_kwargs):
    class Ours(FlaskForm):
        class Meta:
            csrf = False
        pick = SelectField("Pick", choices=CHOICES, **field_kwargs)

    class Theirs(FlaskForm):
        class Meta:
            csrf = False
        pick = WTFormsSelectField("Pick", choices=CHOICES, **field_kwargs)

    return Ours(data={"pick": selected}), Theirs(data={"pick": selected})


@pytest.mark.parametrize("selected", ["", "a&b", "440000", "none-of-these"])
def test_same_markup_as_wtforms(app, selected):
    with app.test_request_context():
        ours, theirs = _forms(selected)
        html = str(ours.pick(class_="wide", **{"aria-describedby": "pick-hint"}))
        assert html == str(theirs.pick(class_="wide", **{"aria-describedby": "pick-hint"}))
        assert "<b>" not in html and "&lt;b&gt;" in html  # labels are escaped


def test_options_with_their_own_attributes_go_through_wtforms(app):
    choices = [("a", "A", {"disabled": True}), ("b", "B")]
    with app.test_request_context():
        class Form(FlaskForm):
            class Meta:
                csrf = False
            pick = SelectField("Pick", choices=choices)
            theirs = WTFormsSelectField("Pick", choices=choices)
        form = Form(data={"pick": "b", "theirs": "b"})
        assert str(form.pick()).replace('"pick"', '"x"') == \
            str(form.theirs()).replace('"theirs"', '"x"')
        assert '<option disabled value="a">A</option>' in str(form.pick())
