"""Announcements (通知公告): their states and who publishes for whom. Pure: no Flask, no
database.

A notice is a draft until it is published; publishing sets its publication time, which may
lie ahead (scheduled: nobody but its editors sees it until then). Once public it can be
withdrawn: it stays readable and says so (a government notice does not vanish). A scheduled
notice that is not yet public goes back to being a draft instead.
"""
from __future__ import annotations

from datetime import datetime

from smplatform.enums import AnnouncementState, AnnouncementStatus


def state(status: str, publish_at: datetime | None, now: datetime) -> AnnouncementState:
    if status == AnnouncementStatus.WITHDRAWN:
        return AnnouncementState.WITHDRAWN
    if status == AnnouncementStatus.PUBLISHED and publish_at is not None:
        return (AnnouncementState.PUBLISHED if publish_at <= now
                else AnnouncementState.SCHEDULED)
    return AnnouncementState.DRAFT


def is_public(status: str, publish_at: datetime | None, now: datetime) -> bool:
    """Readable by everyone: published (its time has come) or withdrawn after that."""
    return state(status, publish_at, now) in (AnnouncementState.PUBLISHED,
                                              AnnouncementState.WITHDRAWN)


# What each action needs, by the state seen now.
CAN_PUBLISH = frozenset({AnnouncementState.DRAFT, AnnouncementState.SCHEDULED})
CAN_UNSCHEDULE = frozenset({AnnouncementState.SCHEDULED})
CAN_WITHDRAW = frozenset({AnnouncementState.PUBLISHED})
CAN_EDIT = frozenset({AnnouncementState.DRAFT, AnnouncementState.SCHEDULED,
                      AnnouncementState.PUBLISHED})

TITLE_MAX = 200
BODY_MAX = 100_000
REASON_MAX = 500
ATTACHMENTS_MAX = 10
