"""Forms of the publishing desk: a notice's text, its publication, withdrawal and
attachments; the FAQ's entries."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from smplatform.ministry.batch_forms import ChinaDateTimeField
from smplatform.rules import announcements as rules
from smplatform.widgets import SelectField

MARKDOWN_HINT = _l("Formatted with Markdown: a blank line starts a paragraph; ## a heading; "
                   "- a list item; **bold**; [text](https://…) a link. HTML is shown as "
                   "text.")


class AnnouncementForm(FlaskForm):
    title_zh = StringField(_l("Title (Chinese)"), validators=[
        InputRequired(message=_l("Give the notice a title in Chinese.")),
        Length(max=rules.TITLE_MAX)])
    body_zh = TextAreaField(_l("Text (Chinese)"), description=MARKDOWN_HINT, validators=[
        InputRequired(message=_l("Write the notice's text in Chinese.")),
        Length(max=rules.BODY_MAX)], render_kw={"rows": 14})
    title_en = StringField(_l("Title (English, optional)"),
                           validators=[Optional(), Length(max=rules.TITLE_MAX)])
    body_en = TextAreaField(_l("Text (English, optional)"), description=MARKDOWN_HINT,
                            validators=[Optional(), Length(max=rules.BODY_MAX)],
                            render_kw={"rows": 10})
    note = StringField(_l("What changed (kept in the edit history, optional)"),
                       validators=[Optional(), Length(max=500)])
    version = HiddenField()

    def values(self) -> dict:
        return {"title_zh": self.title_zh.data, "body_zh": self.body_zh.data,
                "title_en": self.title_en.data or "", "body_en": self.body_en.data or ""}

    def base_version(self) -> int | None:
        return int(self.version.data) if (self.version.data or "").isdigit() else None


class PublishForm(FlaskForm):
    publish_at = ChinaDateTimeField(
        _l("Publish at (leave empty to publish now)"), validators=[Optional()],
        description=_l("China Standard Time, e.g. 2023-05-31 09:00. A time ahead schedules "
                       "the notice: nobody else sees it until then."))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Why is it withdrawn? (shown with the notice)"), validators=[
        InputRequired(message=_l("Say why the notice is withdrawn: readers will see it.")),
        Length(max=rules.REASON_MAX)], render_kw={"rows": 3})


class AttachmentForm(FlaskForm):
    file = FileField(_l("File (PDF, Word, Excel, PowerPoint, JPEG or PNG)"))
    title = StringField(_l("Shown as (optional; default: the file's name)"),
                        validators=[Optional(), Length(max=200)])


AUDIENCES = [("general", _l("Everyone")), ("applicant", _l("Applicants")),
             ("province", _l("Provincial departments")), ("expert", _l("Experts"))]


class FaqForm(FlaskForm):
    audience = SelectField(_l("For"), choices=AUDIENCES)
    position = IntegerField(_l("Order (smaller first)"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=9999)])
    question_zh = StringField(_l("Question (Chinese)"), validators=[
        InputRequired(message=_l("Write the question in Chinese.")), Length(max=300)])
    answer_zh = TextAreaField(_l("Answer (Chinese)"), description=MARKDOWN_HINT, validators=[
        InputRequired(message=_l("Write the answer in Chinese.")), Length(max=20000)],
        render_kw={"rows": 6})
    question_en = StringField(_l("Question (English, optional)"),
                              validators=[Optional(), Length(max=300)])
    answer_en = TextAreaField(_l("Answer (English, optional)"), description=MARKDOWN_HINT,
                              validators=[Optional(), Length(max=20000)], render_kw={"rows": 6})
    published = BooleanField(_l("Shown on the help pages"), default=True)
    version = HiddenField()

    def values(self) -> dict:
        return {"audience": self.audience.data, "position": self.position.data or 0,
                "question_zh": self.question_zh.data, "answer_zh": self.answer_zh.data,
                "question_en": self.question_en.data or "",
                "answer_en": self.answer_en.data or "", "published": bool(self.published.data)}
