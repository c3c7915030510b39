"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from smplatform.models.accounts import Organisation, User, UserSession
from smplatform.models.audit import AuditEntry
from smplatform.models.batch import Batch
from smplatform.models.declaration import Declaration, DeclarationEvent
from smplatform.models.files import StoredFile
from smplatform.models.contacts import LiaisonContact
from smplatform.models.deadlines import UnitDeadline
from smplatform.models.notifications import Notification, OutboxEmail
from smplatform.models.recommendation import Recommendation, UnitSubmission
from smplatform.models.reference import City, Unit

__all__ = ["AuditEntry", "Batch", "City", "Declaration", "DeclarationEvent", "LiaisonContact",
           "Notification", "Organisation", "OutboxEmail", "Recommendation", "StoredFile", "Unit",
           "UnitDeadline", "UnitSubmission", "User", "UserSession"]
