"""SQLAlchemy models, one module per aggregate. Importing this package registers them all.

One import line per module (kept in alphabetical order) so that areas can add theirs without
touching anyone else's line.
"""
from smplatform.models.accounts import (  # noqa: F401
    Organisation, PasswordReset, RecoveryCode, User, UserSession)
from smplatform.models.announcements import (  # noqa: F401
    Announcement,
    AnnouncementAttachment,
    AnnouncementRevision,
    FaqEntry,
)
from smplatform.models.audit import AuditArchive, AuditChainHead, AuditEntry  # noqa: F401
from smplatform.models.batch import Batch, BatchQuota  # noqa: F401
from smplatform.models.contacts import LiaisonContact  # noqa: F401
from smplatform.models.corrections import RegistryCorrection  # noqa: F401
from smplatform.models.deadlines import DeadlineExtension, DueReminder, UnitDeadline  # noqa: F401
from smplatform.models.declaration import (  # noqa: F401
    Declaration,
    DeclarationAttachment,
    DeclarationContent,
    DeclarationCounter,
    DeclarationEvent,
)
from smplatform.models.evaluation import (  # noqa: F401
    EvaluationAttachment,
    EvaluationCampaign,
    EvaluationEvent,
    EvaluationReminder,
    EvaluationTask,
    RegistryEntry,
)
from smplatform.models.expert_pool import ExpertExpertise, ExpertProfile  # noqa: F401
from smplatform.models.files import StoredFile  # noqa: F401
from smplatform.models.notifications import Notification, OutboxEmail  # noqa: F401
from smplatform.models.policy import SecurityPolicy  # noqa: F401
from smplatform.models.prefecture import PrefectureReview  # noqa: F401
from smplatform.models.recommendation import Recommendation, UnitSubmission  # noqa: F401
from smplatform.models.reference import City, Unit  # noqa: F401
from smplatform.models.selection import Inspection, Objection, PublicNotice, ReviewAssignment  # noqa: F401
from smplatform.models.submissions import DeclarationSubmission, StampedScanLink  # noqa: F401
