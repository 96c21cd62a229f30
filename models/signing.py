"""Who signs a letter on a given day: the official, or the Plh/Plt acting for them that day."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .acting import ActingAssignment
from .documents import Signature
from .errors import DomainError
from .users import Role, User


class NoSigner(DomainError):
    message = _l("No active official can sign this letter.")


def signature_of(user: User, position: str | None = None) -> Signature:
    """`user`'s signature block; a letter is not printed without the signer's NIP."""
    if not user.nip:
        raise DomainError(_l("%(name)s has no NIP in the user data: a letter's signature "
                             "block carries it. Ask the system administrator to add it."),
                          name=user.full_name)
    return Signature(user.full_name, position or user.position, user.nip, user.id, user.rank)


def signing_official(session, role: Role, day: date) -> Signature:
    """The signature of the official of `role` on `day`; while a Plh or Plt acts for the
    official that day, theirs, as "Plh. <the official's position>"."""
    official = session.scalar(select(User).where(User.role == role, User.active.is_(True))
                              .order_by(User.id).limit(1))
    if official is None:
        raise NoSigner()
    for stand_in in ActingAssignment.stand_ins(official, day):
        kind = ActingAssignment.kind_on(stand_in, official, day)
        return signature_of(stand_in, f"{kind.value.capitalize()}. {official.position}")
    return signature_of(official)
