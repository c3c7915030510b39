"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from smplatform.models.accounts import Organisation, User, UserSession
from smplatform.models.audit import AuditChainHead, AuditEntry
from smplatform.models.batch import Batch, BatchQuota
from smplatform.models.declaration import Declaration, DeclarationEvent
from smplatform.models.expert_pool import ExpertExpertise, ExpertProfile
from smplatform.models.files import StoredFile
from smplatform.models.reference import City, Unit
from smplatform.models.selection import Inspection, Objection, PublicNotice, ReviewAssignment

__all__ = ["AuditChainHead", "AuditEntry", "Batch", "BatchQuota", "City", "Declaration",
           "DeclarationEvent", "ExpertExpertise", "ExpertProfile", "Inspection", "Objection",
           "Organisation", "PublicNotice", "ReviewAssignment", "StoredFile", "Unit", "User",
           "UserSession"]
