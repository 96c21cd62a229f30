"""The data model: one module per aggregate, re-exported here."""

from .acting import ActingAssignment, ActingKind
from .agencies import Agency, AgencyKind
from .applications import Application, ApplicationStatus, Platform
from .attachments import Attachment, AttachmentKind
from .audit import AuditAction, AuditEntry
from .budget import FundingSource, RkaItem, RkaStatus
from .comments import Comment
from .db import db
from .decisions import Decision, Outcome
from .desk import DeskVisit
from .dispositions import Disposition, Instruction
from .documents import DocumentKind, IssuedDocument
from .equipment import EquipmentFault
from .errors import DomainError
from .letters import LetterStatus, RequestKind, RequestLetter, SecurityClass, SpbeCategory, Urgency
from .login_counters import login_counter  # noqa: F401 (its table joins the metadata)
from .meetings import Meeting
from .notifications import Notice, NoticeKind, OutgoingMail
from .office_calendar import LocalHoliday, WorkSchedule
from .sop import SopDocument
from .standards import ServiceStandard
from .steps import PauseReason, StepRecord
from .users import Language, Role, User
from .workflow import Move, StatusChange

__all__ = [
    "ActingAssignment", "ActingKind", "AuditAction", "AuditEntry", "LocalHoliday", "Move",
    "PauseReason", "StatusChange", "StepRecord", "WorkSchedule", "SopDocument",
    "Agency", "AgencyKind", "Comment",
    "Application", "ApplicationStatus", "Attachment", "AttachmentKind",
    "Decision", "DeskVisit", "Disposition", "DocumentKind", "DomainError", "EquipmentFault",
    "FundingSource", "IssuedDocument",
    "Instruction",
    "Language", "LetterStatus", "Meeting", "Outcome", "Platform", "RequestKind", "RequestLetter",
    "RkaItem", "RkaStatus", "Role", "SecurityClass", "ServiceStandard", "SpbeCategory", "Urgency",
    "User", "db", "Notice", "NoticeKind", "OutgoingMail",
]
