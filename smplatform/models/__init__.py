"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from smplatform.models.accounts import Organisation, User, UserSession
from smplatform.models.audit import AuditEntry
from smplatform.models.batch import Batch
from smplatform.models.declaration import Declaration, DeclarationEvent
from smplatform.models.evaluation import (EvaluationAttachment, EvaluationCampaign, EvaluationEvent,
                                         EvaluationReminder, EvaluationTask, RegistryEntry)
from smplatform.models.files import StoredFile
from smplatform.models.reference import City, Unit

__all__ = ["AuditEntry", "Batch", "City", "Declaration", "DeclarationEvent", "Organisation",
           "StoredFile", "Unit", "User", "UserSession",
           "EvaluationAttachment", "EvaluationCampaign", "EvaluationEvent", "EvaluationReminder",
           "EvaluationTask", "RegistryEntry"]
