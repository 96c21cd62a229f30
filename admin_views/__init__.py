"""The panel: one Admin per app, its screens grouped in the menu."""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from models import (
    ActingAssignment,
    Agency,
    Application,
    AuditEntry,
    Decision,
    Disposition,
    EquipmentFault,
    LocalHoliday,
    Meeting,
    Notice,
    RequestLetter,
    RkaItem,
    ServiceStandard,
    SopDocument,
    StatusChange,
    StepRecord,
    User,
    WorkSchedule,
    db,
)

from . import errors, formatting, notices, security, verification
from .attachments import bp as attachments_bp
from .audit import ArchiveView, AuditEntryView
from .auth import AuthView
from .caching import cache
from .desk import DeskView
from .followup import DecisionView, MeetingView, RkaItemView
from .home import HomeView
from .inventory import ApplicationView
from .letters import DispositionView, RequestLetterView
from .master import AgencyView, EquipmentFaultView, ServiceStandardView, UserView
from .notices import NoticeView
from .reports import ReportView
from .room import RoomView
from .sop import SopDocumentView, SopPageView
from .workflow import (
    ActingAssignmentView,
    LocalHolidayView,
    StatusChangeView,
    StepRecordView,
    WorkScheduleView,
)


def init_admin(app) -> Admin:
    """Build the panel for `app`: a new Admin each time, so tests can build many apps."""
    cache.init_app(app)
    admin = Admin(app, name=_l("SOP Aplikasi · Diskominfo Pontianak"),
                  index_view=HomeView(name=_l("Home"), url="/admin"),
                  translations_path=app.config["BABEL_TRANSLATION_DIRECTORIES"],
                  csp_nonce_generator=security.csp_nonce,
                  theme=Bootstrap4Theme(base_template="layout.html",
                                        swatch=app.config["FLASK_ADMIN_SWATCH"], fluid=True))
    letters, followup, master = _l("Letters"), _l("Follow-up"), _l("Reference data")
    procedure = _l("Procedure")
    s = db
    for view in (
        DeskView(name=_l("My desk"), endpoint="desk"),
        RequestLetterView(RequestLetter, s, name=_l("Request letters"), category=letters,
                          endpoint="letters"),
        DispositionView(Disposition, s, name=_l("Dispositions"), category=letters,
                        endpoint="dispositions"),
        MeetingView(Meeting, s, name=_l("Technical meetings"), category=followup,
                    endpoint="meetings"),
        RoomView(name=_l("Pontive Center room"), category=followup, endpoint="room"),
        DecisionView(Decision, s, name=_l("Decisions"), category=followup,
                     endpoint="decisions"),
        RkaItemView(RkaItem, s, name=_l("RKA items"), category=followup, endpoint="rka"),
        ApplicationView(Application, s, name=_l("Application inventory"),
                        endpoint="applications"),
        ReportView(name=_l("Reports"), endpoint="reports"),
        NoticeView(Notice, s, name=_l("Notices"), endpoint="notices"),
        SopPageView(name=_l("The SOP"), category=procedure, endpoint="sop"),
        StepRecordView(StepRecord, s, name=_l("SOP steps and deadlines"), category=procedure,
                       endpoint="steps"),
        StatusChangeView(StatusChange, s, name=_l("Status history"), category=procedure,
                         endpoint="history"),
        ActingAssignmentView(ActingAssignment, s, name=_l("Acting officials (Plh/Plt)"),
                             category=procedure, endpoint="acting"),
        WorkScheduleView(WorkSchedule, s, name=_l("Office hours"), category=procedure,
                         endpoint="hours"),
        LocalHolidayView(LocalHoliday, s, name=_l("Local holidays"), category=procedure,
                         endpoint="holidays"),
        SopDocumentView(SopDocument, s, name=_l("SOP versions"), category=procedure,
                        endpoint="sop_versions"),
        AgencyView(Agency, s, name=_l("Agencies (OPD)"), category=master, endpoint="agencies"),
        UserView(User, s, name=_l("Users"), category=master, endpoint="users"),
        ServiceStandardView(ServiceStandard, s, name=_l("Service standards"), category=master,
                            endpoint="standards"),
        EquipmentFaultView(EquipmentFault, s, name=_l("Equipment faults"), category=master,
                           endpoint="faults"),
        AuditEntryView(AuditEntry, s, name=_l("Audit trail"), category=master,
                       endpoint="audit"),
        ArchiveView(name=_l("Archive"), category=master, endpoint="archive"),
        AuthView(name=_l("Log in"), endpoint="auth", url="/auth"),
    ):
        admin.add_view(view)
    app.register_blueprint(attachments_bp)
    formatting.register(app)
    notices.register(app)
    errors.register(app)
    verification.register(app)
    return admin
