"""One small office with a record of every resource, and valid form data for each screen."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from models import (
    ActingAssignment,
    AgencyKind,
    AuditEntry,
    LetterStatus,
    LocalHoliday,
    Outcome,
    Role,
    ServiceStandard,
    db,
)
from models.sop import ORIGINAL, SopDocument
from models.timezone import to_local

from .builders import (
    _save,
    make_agency,
    make_application,
    make_decision,
    make_disposition,
    make_fault,
    make_letter,
    make_meeting,
    make_notice,
    make_rka_item,
    make_user,
    staff,
)

S = LetterStatus

#: resource in the permission table -> the screen's endpoint
ENDPOINTS = {"letter": "letters", "disposition": "dispositions", "meeting": "meetings",
             "decision": "decisions", "rka_item": "rka", "application": "applications",
             "standard": "standards", "equipment_fault": "faults", "agency": "agencies",
             "user": "users", "step": "steps", "status_change": "history", "acting": "acting",
             "calendar": "holidays", "sop": "sop_versions", "audit": "audit",
             "notice": "notices"}


@dataclass
class World:
    """Records owned by `agency`; `rows` holds one existing record per resource; `letters`
    one letter waiting in each early status, for the screens that move letters on."""

    agency: object
    staff: dict
    letters: dict
    decision: object
    rows: dict = field(default_factory=dict)
    #: The role filling in the forms (the Kabid disposes to the Kasi, the others to the Kabid).
    role: object = None

    @property
    def letter(self):
        return self.rows["letter"]

    def address_notice_to(self, user):
        """Make the world's notice `user`'s: a notice is seen by its recipient alone."""
        self.rows["notice"].recipient = user
        db.session.commit()

    def form(self, resource, row=None):
        """Valid form data to create a `resource` (or, given `row`, to edit it)."""
        w = self
        data = {
            "letter": dict(number=f"000.8/{'E' if row else 'N'}/2025", letter_date=(
                               # OPD staff submit today: their letter is a few days old.
                               (date.today() - timedelta(days=3)).strftime("%d/%m/%Y")
                               if w.role is Role.OPD else "27/02/2025"),
                           received_at="2025-02-28 09:00:00", agency=w.agency.id,
                           subject="Permohonan aplikasi baru", request_kind="new",
                           application_name="Aplikasi Baru", spbe_category="specific",
                           security_class="biasa", urgency="biasa", archive_code="500.12"),
            "disposition": dict(
                letter=w.letters[S.AT_KABID if w.role is Role.KABID else S.AT_KADIS].id,
                to_user=w.staff[Role.KASI if w.role is Role.KABID else Role.KABID].id,
                instructions=["process", "review"], note="Mohon ditelaah",
                disposed_at="2025-02-28 10:00:00"),
            "meeting": dict(letter=w.letters[S.AT_KASI].id, scheduled_at="2025-03-04 09:00:00",
                            place="Ruang Rapat Pontive Center"),
            "decision": dict(letter=w.letters[S.IN_ANALYSIS].id, outcome="accepted",
                             decided_at="2025-03-03 08:00:00"),
            "rka_item": dict(decision=w.decision.id, nomenclature_code="2.16.03.1.02.0005",
                             description="Pembangunan aplikasi", volume="2", unit="Paket",
                             unit_price="1.500.000,50", funding_source="dau", status="usulan"),
            "application": dict(name="SI Baru", agency=w.agency.id, spbe_category="general",
                                platform="web", status="aktif", year_built="2021"),
            "standard": dict(number="1", valid_from="2025-03-01", name="Langkah", minutes="30",
                             output="Keluaran"),
            "equipment_fault": dict(item="Mikrofon", reported_at="2025-03-01 08:00:00"),
            "agency": dict(code="BARU", name="Badan Baru", short_name="Baru", kind="badan",
                           active="y"),
            "user": dict(username="pengguna.baru", full_name="Pengguna Baru",
                         position="Staf", role="clerk", agency=w.agency.id, language="id",
                         active="y", new_password="kata-sandi-baru-7"),
            "step": {}, "status_change": {}, "audit": {"table_name": "palsu"},
            "notice": {"subject": "Palsu"},
            "acting": dict(kind="plh", acting_user=w.staff[Role.KASI].id,
                           absent_user=w.staff[Role.KABID].id, first_day="2025-03-01",
                           last_day="2025-03-05"),
            "calendar": dict(day="2025-10-23", name="Hari Jadi Kota Pontianak"),
            "sop": {**{k: v for k, v in ORIGINAL.items() if isinstance(v, str)},
                    "created_on": "2020-02-03", "revised_on": "2026-01-05",
                    "effective": "2026"},
        }[resource]
        if row is not None and resource == "standard":
            data["output"] = "Keluaran diubah"  # a saved version keeps its time
        if row is not None and resource == "calendar":
            data["day"] = row.day.isoformat()  # an edit keeps the day; a new one takes another
        return data


#: The field an edit changes and the value it should then hold, per resource.
EDITS = {"letter": ("subject", "Perihal diubah"), "disposition": ("note", "Catatan diubah"),
         "meeting": ("place", "Ruang Rapat Wali Kota"), "decision": ("reason", "Alasan diubah"),
         "rka_item": ("unit", "Unit"), "application": ("name", "SI Diubah"),
         "standard": ("output", "Keluaran diubah"), "equipment_fault": ("item", "Layar"),
         "agency": ("short_name", "Diubah"), "user": ("full_name", "Nama Diubah"),
         "step": ("pause_reason", "waiting_for_opd"), "status_change": ("move", "accept"),
         "acting": ("last_day", "2025-03-07"), "calendar": ("name", "Libur diubah"),
         "sop": ("effective", "2027"), "audit": ("table_name", "diubah"),
         "notice": ("subject", "Diubah")}


def build_world(owner=None):
    """An office: Diskominfo's officials, and records of every kind belonging to `owner`."""
    agency = owner or make_agency(kind=AgencyKind.DINAS)
    officials = {role: staff(role) for role in (Role.KADIS, Role.KABID, Role.KASI, Role.CLERK)}
    letters = {status: make_letter(agency=agency, status=status)
               for status in (S.AT_KADIS, S.AT_KABID, S.AT_KASI, S.IN_ANALYSIS)}
    decision = make_decision(letter=make_letter(agency=agency), outcome=Outcome.ACCEPTED)
    world = World(agency=agency, staff=officials, letters=letters, decision=decision)
    world.rows = {
        "letter": make_letter(agency=agency),
        "disposition": make_disposition(letter=make_letter(agency=agency, status=S.AT_KADIS)),
        "meeting": make_meeting(letter=make_letter(agency=agency)),
        "decision": make_decision(letter=make_letter(agency=agency), outcome=Outcome.REJECTED,
                                  reason="Tidak prioritas"),
        "rka_item": make_rka_item(decision=decision),
        "application": make_application(agency=agency),
        "standard": db.session.query(ServiceStandard).filter_by(number=1).one(),
        "equipment_fault": make_fault(reported_by=officials[Role.CLERK]),
        "agency": agency,
        "user": make_user(Role.CLERK, agency=agency),
        "step": letters[S.AT_KABID].steps[0],
        "status_change": letters[S.AT_KADIS].history[0],
        "acting": _save(ActingAssignment(acting_user=officials[Role.KASI],
                                         absent_user=officials[Role.KABID],
                                         first_day=date(2025, 3, 1), last_day=date(2025, 3, 2))),
        "calendar": _save(LocalHoliday(day=date(2025, 1, 9), name="Libur daerah")),
        "sop": SopDocument.current(db.session),
        "notice": make_notice(recipient=officials[Role.KABID], letter=letters[S.AT_KABID]),
    }
    db.session.commit()
    world.rows["audit"] = db.session.query(AuditEntry).order_by(AuditEntry.id).first()
    return world


def edit_row_form(world, resource):
    row = world.rows[resource]
    data = world.form(resource, row=row)
    if resource == "decision":
        data.update(letter=row.letter.id, outcome=row.outcome.value,
                    decided_at=to_local(row.decided_at).strftime("%Y-%m-%d %H:%M:%S"),
                    reply_number=row.reply_number, reply_date=row.reply_date.isoformat())
    if resource == "user":
        data.pop("new_password")
        data["username"] = row.username
    if resource == "agency":
        data.update(code=row.code, name=row.name, kind=row.kind.value)
    if type(row).__mapper__.version_id_col is not None:
        data["edit_version"] = str(row.version)  # the version the edit form was opened at
    name, value = EDITS[resource]
    data[name] = value
    return data

