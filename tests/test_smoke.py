from sqlalchemy import func, select

from smplatform.extensions import db
from smplatform.models import AuditEntry, Unit


def test_home_page_renders_in_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-CN">' in response.get_data(as_text=True)


def test_reference_data_loaded_by_migration_fixture(app):
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 37


def test_sign_in_and_dashboard(make, login_as):
    user = make.applicant()
    c = login_as(user)
    response = c.get("/applicant/")
    assert response.status_code == 200
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["organisation.register", "auth.sign_in"]
