"""One small office with a record of every resource, and valid form data for each screen."""

from dataclasses import dataclass, field

from models import AgencyKind, Outcome, Role, ServiceStandard, db

from .builders import (
    make_agency,
    make_application,
    make_decision,
    make_disposition,
    make_fault,
    make_letter,
    make_meeting,
    make_rka_item,
    make_user,
)

#: resource in the permission table -> the screen's endpoint
ENDPOINTS = {"letter": "letters", "disposition": "dispositions", "meeting": "meetings",
             "decision": "decisions", "rka_item": "rka", "application": "applications",
             "standard": "standards", "equipment_fault": "faults", "agency": "agencies",
             "user": "users"}


@dataclass
class World:
    """Records owned by `agency`; `rows` holds one existing record per resource."""

    agency: object
    staff: dict
    letter: object
    spare_letter: object
    decision: object
    rows: dict = field(default_factory=dict)

    def form(self, resource, row=None):
        """Valid form data to create a `resource` (or, given `row`, to edit it)."""
        w = self
        data = {
            "letter": dict(number=f"000.8/{'E' if row else 'N'}/2025", letter_date="2025-02-27",
                           received_at="2025-02-28 09:00:00", agency=w.agency.id,
                           subject="Permohonan aplikasi baru", request_kind="new",
                           application_name="Aplikasi Baru", spbe_category="specific",
                           security_class="biasa", urgency="biasa", archive_code="500.12"),
            "disposition": dict(letter=w.letter.id, to_user=w.staff[Role.KASI].id,
                                instructions=["process", "review"], note="Mohon ditelaah",
                                disposed_at="2025-02-28 10:00:00"),
            "meeting": dict(letter=w.letter.id, scheduled_at="2025-03-04 09:00:00",
                            place="Ruang Rapat Pontive Center"),
            "decision": dict(letter=w.spare_letter.id, outcome="accepted",
                             decided_at="2025-03-01 10:00:00"),
            "rka_item": dict(decision=w.decision.id, nomenclature_code="2.16.03.1.02.0005",
                             description="Pembangunan aplikasi", volume="2", unit="Paket",
                             unit_price="1500000.50", funding_source="dau", status="usulan"),
            "application": dict(name="SI Baru", agency=w.agency.id, spbe_category="general",
                                platform="web", status="aktif", year_built="2021"),
            "standard": dict(name="Langkah", actor_role="kasi", kelengkapan="Surat",
                             minutes="30", output="Keluaran"),
            "equipment_fault": dict(item="Mikrofon", reported_at="2025-03-01 08:00:00"),
            "agency": dict(code="BARU", name="Badan Baru", short_name="Baru", kind="badan",
                           active="y"),
            "user": dict(username="pengguna.baru", full_name="Pengguna Baru",
                         position="Staf", role="clerk", agency=w.agency.id, language="id",
                         active="y", new_password="kata-sandi-baru"),
        }[resource]
        if row is not None and resource == "standard":
            data["minutes"] = "45"
        return data


#: The field an edit changes and the value it should then hold, per resource.
EDITS = {"letter": ("subject", "Perihal diubah"), "disposition": ("note", "Catatan diubah"),
         "meeting": ("place", "Ruang Rapat Wali Kota"), "decision": ("outcome", "rejected"),
         "rka_item": ("unit", "Unit"), "application": ("name", "SI Diubah"),
         "standard": ("minutes", "45"), "equipment_fault": ("item", "Layar"),
         "agency": ("short_name", "Diubah"), "user": ("full_name", "Nama Diubah")}


def build_world(owner=None):
    """An office: Diskominfo's officials, and records of every kind belonging to `owner`."""
    agency = owner or make_agency(kind=AgencyKind.DINAS)
    diskominfo_staff = {role: make_user(role) for role in
                        (Role.KADIS, Role.KABID, Role.KASI, Role.CLERK)}
    letter = make_letter(agency=agency)
    spare = make_letter(agency=agency)
    decided = make_letter(agency=agency)
    decision = make_decision(letter=decided, outcome=Outcome.ACCEPTED,
                             decided_by=diskominfo_staff[Role.KASI])
    world = World(agency=agency, staff=diskominfo_staff, letter=letter, spare_letter=spare,
                  decision=decision)
    world.rows = {
        "letter": letter,
        "disposition": make_disposition(letter=letter, from_user=diskominfo_staff[Role.KADIS],
                                        to_user=diskominfo_staff[Role.KABID]),
        "meeting": make_meeting(letter=letter),
        "decision": make_decision(letter=make_letter(agency=agency), outcome=Outcome.REJECTED,
                                  reason="Tidak prioritas",
                                  decided_by=diskominfo_staff[Role.KASI]),
        "rka_item": make_rka_item(decision=decision),
        "application": make_application(agency=agency),
        "standard": db.session.query(ServiceStandard).filter_by(number=1).one(),
        "equipment_fault": make_fault(reported_by=diskominfo_staff[Role.CLERK]),
        "agency": agency,
        "user": make_user(Role.CLERK, agency=agency),
    }
    db.session.commit()
    return world


def edit_row_form(world, resource):
    row = world.rows[resource]
    data = world.form(resource, row=row)
    if resource == "decision":
        data.update(letter=row.letter.id, reason="Alasan")
    if resource == "user":
        data.pop("new_password")
        data["username"] = row.username
    if resource == "agency":
        data.update(code=row.code, name=row.name, kind=row.kind.value)
    name, value = EDITS[resource]
    data[name] = value
    return data

