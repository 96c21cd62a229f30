"""The letter's page as a workbench: its next moves as buttons, each opening the usual form of
the record that makes the move, filled in for the letter and returning to it."""

from dataclasses import dataclass
from datetime import datetime

from flask import abort, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import ActingAssignment, RequestLetter, db
from models.timezone import to_local
from models.workbench import next_moves, step_moves

from .paging import parse_id
from .permissions import CREATE, EDIT, can, scope

#: What each button says.
LABELS = {
    "forward": _l("Forward to the Kepala Dinas"),
    "dispose_kabid": _l("Dispose to the Kabid"),
    "dispose_kasi": _l("Dispose to the Kasi"),
    "meeting": _l("Schedule the technical meeting"),
    "decide": _l("Record the decision"),
    "accept": _l("Accept the request"),
    "reject": _l("Reject the request"),
    "rka": _l("Add the RKA item"),
    "pause_opd": _l("Pause: waiting for the OPD"),
    "pause_meeting": _l("Pause: meeting already scheduled"),
    "resume": _l("Resume the step"),
}

#: Moves made by opening a form: the form's screen, and what it is told besides the letter.
FORMS = {"dispose_kabid": ("dispositions", {}), "dispose_kasi": ("dispositions", {}),
         "meeting": ("meetings", {}), "accept": ("decisions", {"outcome": "accepted"}),
         "reject": ("decisions", {"outcome": "rejected"}), "rka": ("rka", {})}
#: Moves made at once by a bulk action of a list: (its screen, the action).
ACTIONS = {"forward": ("letters", "send_to_kadis"), "pause_opd": ("steps", "pause_opd"),
           "pause_meeting": ("steps", "pause_meeting"), "resume": ("steps", "resume")}


@dataclass(frozen=True)
class Button:
    kind: str
    label: object
    enabled: bool
    reason: object = None
    #: A form to open (a link), or a bulk action to post: its address, action and row.
    href: str | None = None
    action: str | None = None
    row: int | None = None
    #: Where the move returns to: the letter's page.
    back: str | None = None


def buttons(letter, user, at: datetime) -> list[Button]:
    """The moves `user` may make on `letter` at `at`, as the letter's page shows them."""
    day = to_local(at).date()
    roles = ActingAssignment.roles_on(user, day)
    step = next((s for s in letter.steps if s.is_open), None)
    offers = next_moves(letter, roles, lambda resource: can(user.role, CREATE, resource))
    if can(user.role, EDIT, "step"):
        offers += step_moves(step, [user, *ActingAssignment.absent_officials(user, day)])
    back = url_for("letters.details_view", id=letter.id)
    shown = []
    for offer in offers:
        if offer.kind == "reject" and not offer.enabled:
            continue  # one disabled "record the decision" for the two outcomes
        if offer.kind == "accept" and not offer.enabled:
            shown.append(Button("decide", LABELS["decide"], False, offer.reason, back=back))
        elif offer.kind in FORMS:
            endpoint, extra = FORMS[offer.kind]
            shown.append(Button(offer.kind, LABELS[offer.kind], offer.enabled, offer.reason,
                                href=url_for(f"{endpoint}.create_view", letter=letter.id,
                                             url=back, **extra), back=back))
        else:
            endpoint, name = ACTIONS[offer.kind]
            shown.append(Button(offer.kind, LABELS[offer.kind], offer.enabled, offer.reason,
                                href=url_for(f"{endpoint}.action_view"), action=name,
                                row=letter.id if endpoint == "letters" else step.id,
                                back=back))
    return shown



class OpenedFromLetter:
    """A create form opened from the letter's page (`?letter=<id>`): the letter is fixed and
    shown, not picked; the rest is filled in as usual; saving returns to the letter (`url=`)."""

    create_template = "move_form.html"
    #: The form's field that names the letter (left out when the letter is fixed).
    letter_field = "letter"

    def fixed_letter(self):
        """The letter the form was opened for, within the user's scope; None if none."""
        if "letter" not in request.args:
            return None
        key = parse_id(request.args.get("letter"))
        letter = None if key is None else scope(
            db.session.query(RequestLetter), RequestLetter, current_user).filter(
            RequestLetter.id == key).one_or_none()
        if letter is None:
            abort(404)
        return letter

    def create_form(self, obj=None):
        form = super().create_form(obj)
        letter = self.fixed_letter()
        if letter is not None:
            del form[self.letter_field]
            self.shape(form, letter)
            if request.method != "POST":
                self.fill(form, letter)
        return form

    def shape(self, form, letter) -> None:
        """Leave out or narrow the fields this move does not need (on showing and saving)."""

    def fill(self, form, letter) -> None:
        """Fill the form in as usual for `letter`."""

    def attach(self, model, letter) -> None:
        """Tie the new record to the fixed letter."""
        setattr(model, self.letter_field, letter)

    def move_title(self, letter):
        return ""

    def on_model_change(self, form, model, is_created):
        with db.session.no_autoflush:  # the new row is in the session, still without its letter
            letter = self.fixed_letter() if is_created else None
            if letter is not None:
                self.attach(model, letter)
        super().on_model_change(form, model, is_created)

    def render(self, template, **kwargs):
        if template == self.create_template:
            letter = self.fixed_letter()
            kwargs.update(fixed_letter=letter,
                          move_title=self.move_title(letter) if letter is not None else "")
        return super().render(template, **kwargs)
