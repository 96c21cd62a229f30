"""The data model: one module per aggregate, re-exported here."""

from .agencies import Agency, AgencyKind
from .applications import Application, ApplicationStatus, Platform
from .attachments import Attachment, AttachmentKind
from .budget import FundingSource, RkaItem, RkaStatus
from .db import db
from .decisions import Decision, Outcome
from .dispositions import Disposition, Instruction
from .equipment import EquipmentFault
from .errors import DomainError
from .letters import LetterStatus, RequestKind, RequestLetter, SecurityClass, SpbeCategory, Urgency
from .meetings import Meeting
from .standards import ServiceStandard
from .users import Language, Role, User

__all__ = [
    "Agency", "AgencyKind", "Application", "ApplicationStatus", "Attachment", "AttachmentKind",
    "Decision", "Disposition", "DomainError", "EquipmentFault", "FundingSource", "Instruction",
    "Language", "LetterStatus", "Meeting", "Outcome", "Platform", "RequestKind", "RequestLetter",
    "RkaItem", "RkaStatus", "Role", "SecurityClass", "ServiceStandard", "SpbeCategory", "Urgency",
    "User", "db",
]
