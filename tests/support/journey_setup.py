"""What happened before a journey starts, done through the services as the earlier steps'
own pages would (the journey that clicks through those steps is in test_declaration.py).

Each function commits, so that the live server's requests see the result."""
from __future__ import annotations

from smplatform.enums import OrgType
from smplatform.extensions import db
from smplatform.models import Declaration, User
from smplatform.rules import annex1
from smplatform.services import attachments, review
from smplatform.services import declarations as declaration_service
from tests.support import declarations as h
from tests.support.factories import Factories

ORG_TYPES = {"enterprise": OrgType.ENTERPRISE, "platform": OrgType.PLATFORM_OPERATOR,
             "city": OrgType.CITY_DEPARTMENT}


def submitted(batch, *, name: str, category: str = "enterprise", klass: str | None = None,
              unit: str = "440000", city: str | None = None) -> Declaration:
    """An organisation of the unit registers and submits a complete declaration."""
    applicant = Factories().applicant(org_type=ORG_TYPES[category], unit=unit, city=city,
                                      name=name)
    declaration = h.start(applicant, batch, category, **({"klass": klass} if klass else {}))
    h.fill(declaration, applicant)
    h.attach_required(declaration, applicant)
    declaration_service.submit(declaration=declaration, actor=applicant,
                               base_version=declaration.version)
    db.session.commit()
    return declaration


def passed(declaration: Declaration, officer: User) -> Declaration:
    review.start_review(actor=officer, declaration=declaration)
    review.pass_declaration(actor=officer, declaration=declaration)
    db.session.commit()
    return declaration


def stamped_scan_uploaded(declaration: Declaration) -> Declaration:
    """The applicant uploads the stamped copy's scan (the form as PDF stands in for it)."""
    import io
    applicant = declaration.organisation.users[0]
    attachments.upload(declaration=declaration, actor=applicant, kind=annex1.STAMPED_SCAN.key,
                       stream=io.BytesIO(h.pdf_bytes()), filename="stamped.pdf")
    db.session.commit()
    return declaration


def forwarded(batch, officer: User, declarations: list[Declaration]) -> list[Declaration]:
    """The province passes the declarations, confirms their stamped copies, recommends them,
    uploads the stamped summary and submits its list to the ministry."""
    import io
    from smplatform.services import recommendation
    for declaration in declarations:
        passed(declaration, officer)
        stamped_scan_uploaded(declaration)
        review.confirm_stamped_copy(actor=officer, declaration=declaration, number_matches=True)
        recommendation.add(actor=officer, declaration=declaration)
    recommendation.upload_summary(actor=officer, batch=batch, unit_code=officer.unit_code,
                                  stream=io.BytesIO(h.pdf_bytes()), filename="annex2.pdf")
    recommendation.submit(actor=officer, batch=batch, unit_code=officer.unit_code)
    db.session.commit()
    return declarations


def expert(make, username: str, *, unit: str = "110000", fields=("customised_services",)):
    """An expert in the pool with a profile (the ministry's expert form does this)."""
    from smplatform.services import experts
    user = make.expert(username=username)
    experts.save_expert_profile(actor=None, user=user, organisation_name=f"{username} 研究院",
                                organisation_credit_code=None, unit_code=unit,
                                fields=list(fields), active=True)
    db.session.commit()
    return user
