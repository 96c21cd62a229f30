"""My desk (Meja kerja): everything waiting on the logged-in person, most urgent first, paged."""

from datetime import datetime

from flask import redirect, request, url_for
from flask_admin import BaseView, expose
from flask_login import current_user

from models import ActingAssignment, db
from models.desk import Desk, DeskVisit
from models.office_calendar import office_calendar
from models.timezone import to_local
from models.workflow import DESK
from models.write_turn import begin_write

from .base import now
from .paging import MAX_PAGE

#: Rows on a page of the desk.
DESK_PAGE_SIZE = 20
#: Roles that have work put on their desk by the SOP.
DESK_ROLES = frozenset(DESK.values())


def look_at_desk(user, at: datetime) -> datetime | None:
    """Note the person's look at their desk; returns where "new" begins for them. Writes at
    most once a minute per person, and never on the views in between."""
    previous, last = DeskVisit.since(db.session, user)
    if not DeskVisit.needs_writing(last, at):
        return DeskVisit.boundary(previous, last, at)
    db.session.rollback()  # end the request's read: the write turn starts a transaction
    begin_write(db.session)
    begins = DeskVisit.record(db.session, user, at)
    db.session.commit()
    return begins


def open_desk(user) -> tuple[Desk, datetime | None]:
    """The person's desk now, and where "new" begins for them."""
    at = now()
    new_since = look_at_desk(user, at)
    return Desk(db.session, user, at, office_calendar()), new_since


def holds_desk(user) -> bool:
    """Whether work can wait on `user`: their role has a desk, or they act for one who has."""
    if user.role in DESK_ROLES:
        return True
    day = to_local(now()).date()
    return any(role in DESK_ROLES for role in ActingAssignment.roles_on(user, day)[1:])


def page_links(page: int, pages: int) -> list[int | None]:
    """The pages the pager links (from 0): the first two, the last two and two either side of
    `page`; None where it skips some."""
    shown = sorted({*range(min(2, pages)), *range(max(0, pages - 2), pages),
                    *range(max(0, page - 2), min(pages, page + 3))})
    links = []
    for number in shown:
        if links and number > links[-1] + 1:
            links.append(None)
        links.append(number)
    return links


def page_number(value) -> int:
    """The page asked for, from 1 in the address and from 0 inside."""
    try:
        number = int(value) - 1
    except (TypeError, ValueError):
        return 0
    return number if 0 <= number < MAX_PAGE else 0


class DeskView(BaseView):
    def is_accessible(self):
        return current_user.is_authenticated

    def is_visible(self):
        return current_user.is_authenticated and holds_desk(current_user)

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login_view", next=request.full_path))

    @expose("/")
    def index(self):
        user = current_user._get_current_object()
        desk, new_since = open_desk(user)
        total = desk.count()
        pages = max(1, -(-total // DESK_PAGE_SIZE))
        number = min(page_number(request.args.get("page")), pages - 1)
        items = desk.page(number, DESK_PAGE_SIZE, new_since)
        return self.render("desk.html", items=items, total=total, page=number, pages=pages,
                           links=page_links(number, pages),
                           first=number * DESK_PAGE_SIZE + 1, acting=desk.officials[1:],
                           holds_desk=holds_desk(user))
