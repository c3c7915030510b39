"""What the public can read of the selection, for home, the navigation's page and the
registry: the public notices running now (with their period and how to object) and every
published list (the batches published through the platform, and the registry's batches)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from smplatform import clock
from smplatform.enums import DeclarationState
from smplatform.extensions import db
from smplatform.models import Batch, Declaration, PublicNotice
from smplatform.rules import public_notice as notice_rules
from smplatform.services import registry


@dataclass(frozen=True)
class NoticeRow:
    number: int
    year: int
    starts_on: date
    ends_on: date
    shortlisted: int
    running: bool  # objections are taken today


@dataclass(frozen=True)
class PublishedRow:
    number: int
    year: int
    published_on: date | None  # None: a registry batch (published before the platform)
    demonstrations: int
    on_platform: bool  # a published list page of its own (/published/<n>)


@dataclass(frozen=True)
class Overview:
    notices: list[NoticeRow]  # under notice, not yet published (running or about to start)
    published: list[PublishedRow]  # newest first

    @property
    def running(self) -> list[NoticeRow]:
        return [n for n in self.notices if n.running]


def overview() -> Overview:
    """Three small queries: the notices, the shortlists' sizes, the registry's batches."""
    today = clock.china(clock.now()).date()
    rows = db.session.execute(select(PublicNotice, Batch).join(Batch)
                              .order_by(Batch.number.desc())).all()
    counts = dict(db.session.execute(
        select(Declaration.batch_id, func.count()).where(
            Declaration.state.in_([DeclarationState.SHORTLISTED.value,
                                   DeclarationState.PUBLISHED.value]))
        .group_by(Declaration.batch_id)).all()) if rows else {}
    notices, published, on_platform = [], [], set()
    for notice, batch in rows:
        if notice.published_at is None:
            if today <= notice.ends_on:
                notices.append(NoticeRow(batch.number, batch.year, notice.starts_on,
                                         notice.ends_on, counts.get(batch.id, 0),
                                         notice_rules.running(starts_on=notice.starts_on,
                                                              ends_on=notice.ends_on,
                                                              today=today)))
        else:
            on_platform.add(batch.number)
            published.append(PublishedRow(batch.number, batch.year,
                                          clock.china(notice.published_at).date(),
                                          counts.get(batch.id, 0), True))
    sizes = registry.batch_sizes()
    for number, year in registry.batch_years().items():
        if number not in on_platform and sizes.get(number):
            published.append(PublishedRow(number, year, None, sizes[number], False))
    published.sort(key=lambda r: r.number, reverse=True)
    return Overview(notices=notices, published=published)
