"""Email addresses of users and agencies: checked lightly, since only delivery proves one."""

import re

from flask_babel import lazy_gettext as _l

from .errors import DomainError

#: The longest address SMTP carries (RFC 5321: a 256-octet path less its angle brackets).
MAX_LENGTH = 254
#: local@domain.tld in plain ASCII: nothing that would split or inject a mail header.
SHAPE = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


class InvalidEmail(DomainError):
    message = _l("Enter an email address such as nama@diskominfo.pontianak.go.id.")


def clean_email(text: str | None) -> str | None:
    """The address as stored (trimmed, domain in lower case), None when empty; or refuse it."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH or not SHAPE.fullmatch(text):
        raise InvalidEmail()
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"
