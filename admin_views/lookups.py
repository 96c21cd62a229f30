"""Dropdowns over tables too big to list whole (letters, decisions, applications): they search
as the user types, ten rows at a time, among the rows the user may see."""

from flask_admin.contrib.sqla.ajax import QueryAjaxModelLoader
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import Decision, Outcome, RequestLetter, db

from .limits import searchable
from .paging import parse_id
from .permissions import scope

#: Rows one look-up returns, and how far it may page.
PAGE, MAX_OFFSET = 10, 1000


class ScopedLookup(QueryAjaxModelLoader):
    """Searches `fields` (columns of the model, or of `join`ed tables) of the rows in the
    user's scope that `where()` allows, newest first by `order_by`."""

    def __init__(self, name, model, fields, order_by, where=None, join=None, matching=None):
        super().__init__(name, db.session, model, fields=fields,
                         placeholder=_l("Type to search…"), minimum_input_length=1)
        self.where, self.join, self.ordering = where, join, order_by
        #: A search of the model's own (text -> SQL condition) instead of LIKE on `fields`.
        self.matching = matching

    def get_query(self):
        query = scope(db.session.query(self.model), self.model, current_user)
        if self.join is not None:
            query = query.join(self.join)
        if self.where is not None:
            query = query.filter(self.where())
        return query.order_by(self.ordering)

    def get_one(self, pk):
        """The chosen row, or None for an id out of the user's scope or no id at all."""
        key = parse_id(pk)
        if key is None:
            return None
        with db.session.no_autoflush:
            return self.get_query().filter(self.model.id == key).one_or_none()

    def get_list(self, term, offset=0, limit=PAGE):
        if not term or not searchable(term):
            return []
        offset, limit = min(max(offset or 0, 0), MAX_OFFSET), min(max(limit or PAGE, 1), PAGE)
        if self.matching is not None:
            return self.get_query().filter(self.matching(term)).offset(offset).limit(
                limit).all()
        return super().get_list(term, offset, limit)


def letter_lookup(name="letter"):
    """Letters found as the letter list finds them: by agenda number as shown, number,
    subject, application or agency."""
    return ScopedLookup(name, RequestLetter, ["number", "subject", "application_name"],
                        RequestLetter.received_at.desc(), matching=RequestLetter.matching)


def accepted_decision_lookup(name="decision"):
    """Accepted requests, found by their letter."""
    return ScopedLookup(name, Decision, [RequestLetter.number, RequestLetter.subject],
                        Decision.decided_at.desc(), join=Decision.letter,
                        where=lambda: Decision.outcome == Outcome.ACCEPTED)
