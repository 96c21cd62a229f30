"""The one permission table (role x resource x action) and the one row-scope helper."""

from models import Role
from models.contracts import Addressed, AgencyScoped
from models.db import Archivable
from reports.catalogue import ReportScope

VIEW, CREATE, EDIT, ARCHIVE, EXPORT = "view", "create", "edit", "archive", "export"
ACTIONS = {"v": VIEW, "c": CREATE, "e": EDIT, "a": ARCHIVE, "x": EXPORT}

#: Every resource the panel shows; the admin views name theirs with `resource = ...`.
RESOURCES = ("letter", "disposition", "meeting", "decision", "rka_item", "application",
             "standard", "equipment_fault", "agency", "user", "step", "status_change", "acting",
             "calendar", "sop", "audit", "notice")
#: Resources that are pages rather than generated screens: the reports (view, export) and
#: the archive (view, and edit = restore).
PAGES = ("report", "archive")

#: role -> resource -> allowed actions, one letter each: v view, c create, e edit, a archive,
#: x export. What a role is not given here, it cannot do. On steps, "edit" is pause/resume;
#: letters move on through the records that the SOP produces, never by editing a status.
TABLE = {
    Role.SYSADMIN: dict(letter="vx", disposition="vx", meeting="vx", decision="vx",
                        rka_item="vx", application="vceax", standard="vcex",
                        equipment_fault="vceax", agency="vceax", user="vceax", step="vx",
                        status_change="vx", acting="vcex", calendar="vcex", notice="v",
                        sop="vc", report="vx", audit="vx", archive="ve"),
    Role.CLERK: dict(letter="vceax", disposition="v", meeting="v", decision="v",
                     application="v", equipment_fault="vc", agency="v", step="v",
                     status_change="v", calendar="v", notice="v", sop="v", report="v"),
    Role.KADIS: dict(letter="vx", disposition="vcex", meeting="vx", decision="vx",
                     rka_item="vx", application="vx", standard="v", equipment_fault="v",
                     step="vx", status_change="vx", acting="v", calendar="v", notice="v", sop="v",
                     report="vx"),
    Role.KABID: dict(letter="vx", disposition="vcex", meeting="vx", decision="vx",
                     rka_item="vx", application="vx", standard="v", equipment_fault="vc",
                     step="vex", status_change="vx", acting="v", calendar="v", notice="v", sop="v",
                     report="vx"),
    Role.KASI: dict(letter="vx", disposition="v", meeting="vceax", decision="vcex",
                    rka_item="vceax", application="vceax", standard="v",
                    equipment_fault="vce", step="vex", status_change="vx", acting="v",
                    calendar="v", notice="v", sop="v", report="vx"),
    Role.OPD: dict(letter="vc", meeting="v", decision="v", application="v", notice="v", sop="v",
                   report="v"),
    Role.SUPERVISOR: dict(letter="vx", disposition="vx", meeting="vx", decision="vx",
                          rka_item="vx", application="vx", standard="v",
                          equipment_fault="vx", agency="v", user="v", step="vx",
                          status_change="vx", acting="v", calendar="v", notice="v", sop="v",
                          report="vx", audit="vx", archive="v"),
}

#: Roles that see only the rows of their own agency (the rule is the role's: Role.row_scoped).
ROW_SCOPED = frozenset(role for role in Role if role.row_scoped)


def can(role, action: str, resource: str) -> bool:
    """Whether `role` may do `action` on `resource`, according to TABLE."""
    codes = TABLE.get(role, {}).get(resource, "")
    return any(ACTIONS[c] == action for c in codes)


def scope(query, model, user):
    """Restrict a query on `model` to the rows `user` may see: the one row-scope helper."""
    if user is None or not getattr(user, "is_authenticated", False):
        return query.filter(False)
    if issubclass(model, Addressed):  # addressed to one person: theirs, whatever the role
        return query.filter(model.recipient_scope(user))
    if user.role in ROW_SCOPED:
        if not issubclass(model, AgencyScoped):
            return query.filter(False)
        query = query.filter(model.agency_scope(user.agency_id))
    if issubclass(model, Archivable):
        query = query.filter(model.archived_at.is_(None))
    return query


def report_scope(user) -> ReportScope:
    """The rows `user`'s reports hold: the own agency's for a row-scoped role, else all."""
    return ReportScope(user.agency_id if user.role in ROW_SCOPED else None)
