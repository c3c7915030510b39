"""Form widgets and fields shared by every area's forms.

`SelectField` renders its options with one string template each: the same markup as WTForms'
own widget (`<option selected value="…">label</option>`), without its general attribute
machinery (sorting, escaping and formatting every attribute through Markup), which on pages
with filter forms of ~80 options was a quarter of the page's cost (bench/RESULTS.md). Options
with extra attributes still go through WTForms.
"""
from __future__ import annotations

import wtforms
from markupsafe import Markup, escape
from wtforms.widgets import CheckboxInput, ListWidget, Select


class FastSelect(Select):
    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        label = choice.label or choice.value
        # Both interpolated values are escaped here, as WTForms' html_params would.
        return Markup(f'<option {selected}value="{escape(value)}">{escape(label)}</option>')  # noqa: S704

    @classmethod
    def _dispatch_render_option(cls):
        return cls.render_option  # our signature is the current one: no inspection per select


class SelectField(wtforms.SelectField):
    widget = FastSelect()


class MultiCheckboxField(wtforms.SelectMultipleField):
    """A list of checkboxes, one per choice (render it inside a fieldset with a legend)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
