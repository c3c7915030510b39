"""Liaison contacts, the ministry's directory, the unit's deadline for applicants, dashboard."""
from datetime import datetime, timedelta

from sqlalchemy import select

from smplatform import clock as clock_module
from smplatform.extensions import db
from smplatform.models import AuditEntry, LiaisonContact, UnitDeadline
from tests.support import province as helpers
from tests.support.helpers import english

CONTACT = {"name": "王伟", "title": "处长", "phone": "020-12345678", "fax": "",
           "email": "wangwei@example.gov.cn"}


def test_contact_before_deadline_and_ministry_directory(make, login_as, clock, batch):
    clock.set(batch.contact_deadline - timedelta(days=2))
    c = english(login_as(make.province("440000")))
    assert c.post("/province/contacts", data=dict(CONTACT)).status_code == 303
    assert c.post("/province/contacts", data={**CONTACT, "email": "bad"}).status_code == 422
    assert db.session.scalars(select(LiaisonContact.unit_code)).all() == ["440000"]
    m = english(login_as(make.ministry()))
    page = m.get("/ministry/contacts").get_data(as_text=True)
    assert "wangwei@example.gov.cn" in page
    assert "Units that have not answered (36)" in page


def test_after_deadline_only_the_first_contact_is_taken_late(make, login_as, clock, batch):
    """Contacts are required before a unit submits its list (issue 16, item 10): a unit that
    gave none by the deadline may still give its first, recorded as late; more changes go
    through the ministry."""
    clock.set(batch.contact_deadline + timedelta(seconds=1))
    c = english(login_as(make.province("440000")))
    page = c.get("/province/contacts").get_data(as_text=True)
    assert 'id="contacts-overdue"' in page
    assert c.post("/province/contacts", data=dict(CONTACT)).status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "liaison_contact.add"))
    assert entry.detail["late"] is True
    r = c.post("/province/contacts", data=dict(CONTACT, name="第二位联络人"))
    assert r.status_code == 422
    assert "The deadline for liaison contacts has passed" in r.get_data(as_text=True)
    assert len(db.session.scalars(select(LiaisonContact)).all()) == 1


def test_applicant_deadline_not_after_national(officer, batch):
    _user, c = officer
    assert c.post("/province/deadline", data={"deadline": "2023-06-01"}).status_code == 422
    assert c.post("/province/deadline", data={"deadline": "2023-04-25"}).status_code == 303
    row = db.session.scalar(select(UnitDeadline))
    assert clock_module.china(row.applicant_deadline).replace(tzinfo=None) == datetime(
        2023, 4, 25, 23, 59, 59)


def test_dashboard_counts_meters_and_todo(officer):
    _user, c = officer
    helpers.declaration(state="submitted")
    helpers.declaration(state="submitted")
    helpers.declaration(unit="440300", state="submitted")  # another unit: not counted
    page = c.get("/province/").get_data(as_text=True)
    assert "2 declarations wait for review to start." in page
    assert "0 of 10 used" in page
    # Contacts are required before submitting: the step stays until done, overdue now.
    assert ("Give the ministry your liaison contacts: overdue since 2023-03-20, and required "
            "before you submit your list.") in page
