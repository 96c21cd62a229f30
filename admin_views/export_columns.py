"""What each column of a screen's CSV export reads, and how its cells are typed.

Resolved once per export from the view's declaration; then every batch is plain rows of one
SQL select, turned into typed pandas columns (text, yes/no, office time, numbers, exact Rupiah)
a column at a time: no ORM record and no formatter call per cell, except for a column the view
computes in Python (its export formatter, or a property), which reads the batch's records.
"""

from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
from flask_admin.tools import rec_getattr
from markupsafe import Markup
from sqlalchemy import (
    Boolean,
    Date,
    Enum,
    Float,
    Integer,
    Numeric,
    String,
    select,
    type_coerce,
)
from sqlalchemy import inspect as sa_inspect

from models.db import CodeList, Rupiah, UTCDateTime

from .export_labels import Labels


@dataclass
class Batch:
    """One batch of an export: its keys, and the batch's records if a column needs them."""

    view: object
    session: object
    keys: list
    labels: dict  # model -> Labels, kept across the batches of one export
    _records: dict | None = None
    _preloaded: list | None = None  # what naming the records reads, held for the batch

    def records(self) -> list:
        if self._records is None:  # through the view's query: its row scope
            model = self.view.model
            self._records = {record.id: record for record in self.view.get_query().filter(
                model.id.in_(self.keys))}
            self._preloaded = self.view.preload(list(self._records.values()))
        return [self._records.get(key) for key in self.keys]

    def names(self, model, keys) -> list:
        return self.labels.setdefault(model, Labels(model))(self.session, keys)


@dataclass
class ExportColumn:
    """A column of the file: the SQL it adds to the batch's select, and its cells from that."""

    name: str
    selects: list = field(default_factory=list)

    def cells(self, raw: list, batch: Batch) -> pd.Series:
        """The column's cells from its selects' values (one list per select)."""
        raise NotImplementedError


@dataclass
class Plain(ExportColumn):
    """A column of the model's own table, typed by its SQL type."""

    convert: object = None

    def cells(self, raw, batch):
        return self.convert(raw[0])


@dataclass
class Related(ExportColumn):
    """A record the row points to, shown by its name."""

    target: type = None

    def cells(self, raw, batch):
        return pd.Series(batch.names(self.target, raw[0]), dtype="object")


@dataclass
class Many(ExportColumn):
    """Records linked to the row (a meeting's staff): their names, in one cell."""

    attribute: object = None
    target: type = None

    def cells(self, raw, batch):
        model = self.attribute.class_
        links = pd.DataFrame(batch.session.execute(
            select(model.id, self.target.id).join(self.attribute).where(
                model.id.in_(batch.keys))).all(), columns=["row", "key"])
        links["name"] = batch.names(self.target, links["key"].tolist())
        names = links.sort_values("name").groupby("row")["name"].agg(", ".join).to_dict()
        return pd.Series([names.get(key, "") for key in batch.keys], dtype="object")


@dataclass
class Computed(ExportColumn):
    """A value the view computes in Python: its export formatter, or a property."""

    formatter: object = None

    def cells(self, raw, batch):
        values = []
        for record in batch.records():
            value = None if record is None else (
                self.formatter(batch.view, None, record, self.name) if self.formatter
                else rec_getattr(record, self.name))
            values.append(value.striptags() if isinstance(value, Markup) else value)
        return typed(pd.Series(values, dtype="object"))


def typed(series: pd.Series) -> pd.Series:
    """Python values as the type they all share: yes/no, moments, numbers; else as they are
    (text, and Decimal amounts, which reports/export.py writes digit for digit)."""
    kinds = series.dropna().map(type)
    if kinds.empty:
        return series
    if kinds.map(lambda kind: issubclass(kind, bool)).all():
        return series.astype("boolean")
    if kinds.map(lambda kind: issubclass(kind, datetime)).all():
        return pd.to_datetime(series, utc=True)
    if kinds.map(lambda kind: issubclass(kind, int | float)).all():
        return pd.to_numeric(series)
    return series


def _labels(enum_class):
    words = {member.value: str(member.label) for member in enum_class}
    return lambda codes: pd.Series(list(map(words.get, codes)), dtype="object")


def _code_lists(values):
    return pd.Series([", ".join(str(code.label) for code in codes or ()) for codes in values],
                     dtype="object")


def _moments(values):
    """Moments read as stored, naive UTC: as text from SQLite, whose driver's parsing a value
    at a time took longer than the rest of the row; parsed and made aware in bulk."""
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601").dt.tz_localize(
        "UTC")


#: How the values of a column of each SQL type become a typed column (the first that fits).
CONVERSIONS = (
    (CodeList, _code_lists),
    (Rupiah, lambda values: pd.Series(values, dtype="object")),  # Decimal: exact
    (Float, lambda values: pd.Series(values, dtype="float64").round(1)),  # to what it means
    (Numeric, lambda values: pd.Series(values, dtype="object")),  # Decimal: exact
    (Boolean, lambda values: pd.Series(values, dtype="boolean")),
    (Integer, lambda values: pd.Series(values, dtype="Int64")),
    (Date, lambda values: pd.Series(values, dtype="object")),  # days as days, not midnights
    (object, lambda values: pd.Series(values, dtype="object")),  # text (str or None)
)


def _plain(name, attribute) -> Plain:
    kind = attribute.property.columns[0].type
    if isinstance(kind, UTCDateTime):
        return Plain(name, [type_coerce(attribute, String())], _moments)
    if isinstance(kind, Enum) and kind.enum_class is not None:  # labels, not codes
        return Plain(name, [type_coerce(attribute, String())], _labels(kind.enum_class))
    return Plain(name, [attribute], next(convert for sql_type, convert in CONVERSIONS
                                         if isinstance(kind, sql_type)))


def resolve(view) -> list[ExportColumn]:
    """The view's export columns, each with what it reads: decided once per export."""
    model = view.model
    mapper = sa_inspect(model)
    columns = []
    for name, _ in view._export_columns:
        formatter = view.column_formatters_export.get(name)
        relation = mapper.relationships.get(name)
        if formatter is not None or (relation is None and name not in mapper.column_attrs):
            columns.append(Computed(name, formatter=formatter))
        elif relation is not None and relation.uselist:
            columns.append(Many(name, attribute=getattr(model, name),
                                target=relation.mapper.class_))
        elif relation is not None:
            (key,) = relation.local_columns
            columns.append(Related(name, [key], target=relation.mapper.class_))
        else:
            columns.append(_plain(name, getattr(model, name)))
    return columns


def frame(columns: list[ExportColumn], rows: list, batch: Batch) -> pd.DataFrame:
    """One batch as a typed frame, its columns numbered (titles may repeat)."""
    raw = list(zip(*rows, strict=True))
    out, at = {}, 1  # the key comes first
    for number, column in enumerate(columns):
        width = len(column.selects)
        out[number] = column.cells(raw[at:at + width], batch)
        at += width
    return pd.DataFrame(out, copy=False)
