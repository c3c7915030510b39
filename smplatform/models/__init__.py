"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""
from smplatform.models.accounts import Organisation, User, UserSession
from smplatform.models.audit import AuditEntry
from smplatform.models.batch import Batch, BatchQuota
from smplatform.models.expert_pool import ExpertExpertise, ExpertProfile
from smplatform.models.reference import City, Unit

__all__ = ["AuditEntry", "Batch", "BatchQuota", "City", "ExpertExpertise", "ExpertProfile",
           "Organisation", "Unit", "User", "UserSession"]
