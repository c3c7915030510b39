"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from smplatform.models.accounts import Organisation, User, UserSession
from smplatform.models.audit import AuditEntry
from smplatform.models.batch import Batch
from smplatform.models.deadlines import UnitDeadline
from smplatform.models.declaration import (Declaration, DeclarationAttachment,
                                           DeclarationCounter, DeclarationEvent)
from smplatform.models.files import StoredFile
from smplatform.models.reference import City, Unit

__all__ = ["AuditEntry", "Batch", "City", "Declaration", "DeclarationAttachment",
           "DeclarationCounter", "DeclarationEvent", "Organisation", "StoredFile", "Unit",
           "UnitDeadline", "User", "UserSession"]
