"""How an audit entry reads: the record and its fields by the names the screens give them, and
the values as the screens show them (labels, WIB times, ya/tidak, the record a key points to),
never table names, column names or codes. The stored entry itself stays as it was hashed."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, Enum, select
from sqlalchemy.orm import MANYTOONE, selectinload

from models import db
from models.db import CodeList, Rupiah, UTCDateTime

from .formatting import local_date, local_datetime, rupiah

#: Each table the trail names, by the screen that lists its records (or what they hold).
RECORDS = {"request_letter": _l("Request letters"), "disposition": _l("Dispositions"),
           "meeting": _l("Technical meetings"), "decision": _l("Decisions"),
           "rka_item": _l("RKA items"), "application": _l("Application inventory"),
           "notice": _l("Notices"), "step_record": _l("SOP steps and deadlines"),
           "status_change": _l("Status history"),
           "acting_assignment": _l("Acting officials (Plh/Plt)"),
           "work_schedule": _l("Office hours"), "local_holiday": _l("Local holidays"),
           "sop_document": _l("SOP versions"), "agency": _l("Agencies (OPD)"),
           "user_account": _l("Users"), "service_standard": _l("Service standards"),
           "equipment_fault": _l("Equipment faults"), "attachment": _l("Attached file"),
           "outgoing_mail": _l("Outgoing email"), "letter_comment": _l("Comments on letters")}
#: Fields no screen labels, by what they hold (the same column name means the same thing in
#: every table).
FIELDS = {"archived_at": _l("Archived at"), "archived_by_id": _l("Archived by"),
          "created_at": _l("Created at"), "password_hash": _l("Password"),
          "must_change_password": _l("Must change the password"),
          "session_token": _l("Session"), "filename": _l("File name"),
          "content_type": _l("File type"), "size": _l("Size (bytes)"), "sha256": _l("Checksum"),
          "kind": _l("Kind"), "uploaded_at": _l("Uploaded at"), "uploaded_by_id": _l("Uploaded by"),
          "last_seen_at": _l("Last seen at"), "recipient_id": _l("Recipient"),
          "letter_id": _l("Letter"), "agency_id": _l("Agency"), "user_id": _l("User"),
          "acting_for_id": _l("Acting for"), "email": _l("Email"),
          "clock_minutes": _l("Clock minutes"), "working_minutes": _l("Working minutes"),
          "net_minutes": _l("Net working minutes"), "standard_id": _l("Service standard"),
          "output": _l("Output"), "to_address": _l("Email address"), "subject": _l("Subject"),
          "body": _l("Text"), "attempts": _l("Attempts"), "sent_at": _l("Sent at"),
          "next_attempt_at": _l("Next attempt at"), "last_error": _l("Last error"),
          "notice_id": _l("Notice"), "author_id": _l("Written by")}


def _models() -> dict:
    return {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers}


def _view(model):
    admin = current_app.extensions["admin"][0]
    return next((v for v in admin._views if getattr(v, "model", None) is model), None)


def record_label(table: str) -> str:
    """"Surat Permohonan" for request_letter."""
    return str(RECORDS.get(table, table.replace("_", " ")))


def field_label(model, key: str) -> str:
    """The label the record's screen gives the column (or the relation a key column holds)."""
    view = _view(model)
    labels = dict(getattr(view, "column_labels", None) or {})
    names = [key] + [rel.key for rel in model.__mapper__.relationships
                     if key in {c.key for c in rel.local_columns}]
    for name in names:
        if name in labels:
            return str(labels[name])
    return str(FIELDS.get(key, key.replace("_", " ").capitalize()))


def value_text(model, key: str, value) -> str:
    """A stored value as the screens show it."""
    if value is None or value == "":
        return "–"
    column = model.__table__.columns.get(key)
    if column is None:
        return str(value)
    kind = column.type
    if column.foreign_keys and isinstance(value, int):
        return _related(column, value)
    if isinstance(kind, CodeList):
        return ", ".join(str(kind.enum_class(code).label) for code in value) or "–"
    if isinstance(kind, Enum) and kind.enum_class is not None:
        return str(kind.enum_class(value).label)
    if isinstance(kind, UTCDateTime):
        return local_datetime(datetime.fromisoformat(value))
    if isinstance(kind, Date):
        return local_date(date.fromisoformat(value))
    if isinstance(kind, Boolean):
        return gettext("yes") if value else gettext("no")
    if isinstance(kind, Rupiah):
        return rupiah(Decimal(value))
    return str(value)


def _related(column, key: int) -> str:
    """The record a key column points to, as it names itself."""
    model = _target(column)
    record = db.session.get(model, key) if model is not None else None
    if record is not None:
        return str(record)
    return f"{record_label(next(iter(column.foreign_keys)).column.table.name)} #{key}"


def _target(column):
    """The model a key column points to."""
    return _models().get(next(iter(column.foreign_keys)).column.table.name)


def preload(entries) -> list:
    """Load every record a page of entries names (and the records those name themselves by),
    a few statements per kind of record, so that naming them row by row costs none. The
    caller keeps the returned list for the request: the session holds loaded rows weakly."""
    wanted = defaultdict(set)
    for entry in entries:
        model = _models().get(entry.table_name)
        if model is None:
            continue
        if entry.row_id:
            wanted[model].add(entry.row_id)
        for key, pair in entry.changed_fields.items():
            column = model.__table__.columns.get(key)
            if column is not None and column.foreign_keys and _target(column) is not None:
                wanted[_target(column)].update(v for v in pair if isinstance(v, int))
    loaded = []
    for model, keys in wanted.items():
        parents = [selectinload(getattr(model, rel.key))
                   for rel in model.__mapper__.relationships if rel.direction is MANYTOONE]
        loaded += db.session.scalars(
            select(model).where(model.id.in_(keys)).options(*parents)).all()
    return loaded


def changes(entry) -> list[tuple[str, str, str]]:
    """(field, old, new) of an entry, by label, in the order of the record's columns."""
    model = _models().get(entry.table_name)
    fields = entry.changed_fields
    if model is None:
        return [(key, str(old), str(new)) for key, (old, new) in sorted(fields.items())]
    order = [column.key for column in model.__table__.columns]
    keys = sorted(fields, key=lambda k: order.index(k) if k in order else len(order))
    return [(field_label(model, key), value_text(model, key, fields[key][0]),
             value_text(model, key, fields[key][1])) for key in keys]


def record_text(entry) -> str:
    """The record an entry is about: "Surat Permohonan 54/2026 · 000.8/…"."""
    model = _models().get(entry.table_name)
    record = db.session.get(model, entry.row_id) if model and entry.row_id else None
    name = record_label(entry.table_name)
    return f"{name} · {record}" if record is not None else f"{name} #{entry.row_id or ''}"
