"""The Pontive Center's week: every technical meeting booked in the room, day by day."""

from datetime import date, datetime, time, timedelta

from flask import flash, request
from flask_admin import expose
from flask_babel import gettext
from flask_login import current_user

from models import db
from models.meetings import DEFAULT_PLACE, bookings
from models.timezone import from_local, to_local

from .base import PageView, now
from .entry import day_hint, parse_day
from .limits import YEARS
from .permissions import CREATE, ROW_SCOPED, can


def week_of(text: str | None, today: date) -> tuple[date, bool]:
    """The Monday of the week holding the day typed (dd/mm/yyyy), or of today's; and whether
    what was typed was understood (a day of the years the panel holds)."""
    try:
        day = parse_day(text) if text else today
    except ValueError:
        day = None
    if day is None or day.year not in YEARS:
        return today - timedelta(days=today.weekday()), False
    return day - timedelta(days=day.weekday()), True


class RoomView(PageView):
    resource = "meeting"

    @expose("/")
    def index(self):
        user = current_user._get_current_object()
        today = to_local(now()).date()
        monday, understood = week_of(request.args.get("week", "").strip(), today)
        if not understood:
            flash(gettext("Type the week's date as %(format)s, for example 01/12/2026; "
                          "this week is shown.", format=day_hint()), "error")
        days = [monday + timedelta(days=n) for n in range(7)]
        meetings = bookings(db.session, from_local(datetime.combine(monday, time())),
                            from_local(datetime.combine(days[-1] + timedelta(days=1), time())))
        by_day = {day: [] for day in days}
        for meeting in meetings:  # a meeting begun the week before shows on its Monday
            by_day[max(monday, to_local(meeting.scheduled_at).date())].append(meeting)
        # another agency's meeting is only "booked" for OPD staff: its letter is not theirs
        private = user.role in ROW_SCOPED
        return self.render(
            "room.html", room=DEFAULT_PLACE, monday=monday, today=today,
            days=[(day, by_day[day]) for day in days if day.weekday() < 5 or by_day[day]],
            previous=monday - timedelta(days=7), following=monday + timedelta(days=7),
            shown=lambda meeting: not private or meeting.letter.agency_id == user.agency_id,
            may_schedule=can(user.role, CREATE, self.resource), hint=day_hint())
