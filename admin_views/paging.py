"""Lists at any size: the page's keys first, then its rows, and a count that stops past the page."""

from flask import flash
from flask_babel import format_decimal, gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from models import db

from .limits import searchable

#: Primary keys are 32-bit integers on every backend.
MAX_ID = 2**31
#: List pages go up to here: far past any real list, and an OFFSET every database takes.
MAX_PAGE = 10**6
#: A list counts its rows this far past the page shown, not to the end of the table.
COUNT_AHEAD = 1_000


class AtLeast(int):
    """A row count that stopped counting: shown as "1.020+"."""

    def __str__(self):
        return f"{format_decimal(int(self))}+"


def capped_count(query, limit: int) -> int:
    """How many rows a query has, counted up to `limit` (an AtLeast when it stops there): at a
    million rows, counting them all would cost more than the page that shows them."""
    count = db.session.scalar(select(func.count()).select_from(query.limit(limit).subquery()))
    return AtLeast(count) if count == limit else count


def parse_id(value) -> int | None:
    """A primary key from a request, or None for anything that cannot be one."""
    try:
        key = int(value)
    except (TypeError, ValueError):
        return None
    return key if 0 < key < MAX_ID else None


class CappedLists:
    """A ModelView mixin: list pages cost the same few queries whatever the table's size."""

    # Lists: the page's keys, its rows and a capped count: the same few queries whatever
    # the table's size.
    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True,
                 page_size=None):
        _, query = super().get_list(page, sort_column, sort_desc, search, filters,
                                    execute=False, page_size=page_size)
        size = page_size or self.page_size
        keys = query.enable_eagerloads(False).limit(None).offset(None).order_by(None)
        count = capped_count(keys.with_entities(self.model.id),
                             (page or 0) * size + size + COUNT_AHEAD)
        return count, self.page_rows(query) if execute else query

    def page_rows(self, query) -> list:
        """The page's keys first, sorted and filtered with nothing else read; then just those
        rows with what their columns show: the database sorts keys, not whole rows."""
        keys = [key for key, in query.enable_eagerloads(False).with_entities(self.model.id)]
        rows = self.get_query().options(*(joinedload(j) for j in self._auto_joins)).filter(
            self.model.id.in_(keys))
        by_key = {row.id: row for row in rows}
        return [by_key[key] for key in keys if key in by_key]  # not one archived meanwhile

    # List parameters: Flask-Admin hands the page number and the search text to the database
    # as typed (a negative or 64-bit OFFSET, a NUL byte, a LIKE pattern SQLite refuses); the
    # filters are checked by FilterConverter.
    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        if not 0 <= args.page < MAX_PAGE:
            args.page = 0
        if args.search and not searchable(args.search):
            flash(gettext("The search text is too long or holds control characters; it was "
                          "ignored."), "error")
            args.search = None
        return args

    def get_invalid_value_msg(self, value, filter):
        # names the filter, not the value: long values in many filters would overflow the
        # session cookie, and the browser would drop it (and with it the log-in)
        return gettext("The value of the filter %(name)s is not valid; the filter was ignored.",
                       name=filter.name)
