"""Named domain errors: a model method raises one, the admin view shows its message."""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A business rule refused the change; the message is for the user, in their language."""

    message = _l("The change was refused.")
    #: The model field the refusal concerns, when there is one (a form or an import shows it
    #: there).
    field = None

    def __init__(self, message=None, *, field=None, **values):
        self.text = message or self.message
        self.values = values
        self.field = field or self.field
        super().__init__(str(self))

    def __str__(self):
        return str(self.text) % self.values if self.values else str(self.text)


class NotArchivable(DomainError):
    message = _l("This data cannot be archived.")


class InvalidNip(DomainError):
    message = _l("Invalid NIP.")


class DuplicateLetterNumber(DomainError):
    field = "number"
    message = _l("Letter number %(number)s from %(agency)s is already registered.")


class ReasonRequired(DomainError):
    field = "reason"
    message = _l("A rejection needs a reason.")


class InvalidHierarchy(DomainError):
    message = _l("A kelurahan belongs to a kecamatan.")


class AgencyScopeViolation(DomainError):
    message = _l("You can only record data for your own agency.")
