"""Form fields and filters that speak the model's types: office-time moments, labelled enums;
and that refuse, with a message, any value the column cannot hold."""

import enum
from datetime import datetime

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DateTimeField, Select2Field, Select2Widget
from flask_admin.model.form import converts
from wtforms import DecimalField, FileField, SelectMultipleField, validators

from models.bounds import TEXT_LIMIT
from models.db import MAX_RUPIAH
from models.errors import DomainError
from models.timezone import from_local, to_local

from .limits import (
    INTEGERS,
    at_most_places,
    check_year,
    finite,
    fits,
    in_years,
    numeric_range,
    plain_text,
)


class LocalDateTimeField(DateTimeField):
    """Typed and shown in office time (WIB), stored as an aware UTC moment."""

    def __init__(self, label=None, validators=None, format=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.format = [format or "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]

    def process_data(self, value):
        self.data = to_local(value).replace(tzinfo=None) if isinstance(value, datetime) and \
            value.tzinfo else value

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        check_year(self.data)

    def populate_obj(self, obj, name):
        setattr(obj, name, from_local(self.data) if self.data else None)


class EnumField(Select2Field):
    """A choice among an enum's members, shown by their translated labels."""

    def __init__(self, enum_class, label=None, validators=None, **kwargs):
        kwargs.pop("coerce", None)
        super().__init__(label, validators, coerce=str, choices=enum_class.choices(), **kwargs)
        self.enum_class = enum_class

    def process_data(self, value):
        self.data = value.value if isinstance(value, enum.Enum) else value

    def pre_validate(self, form):
        if self.data is not None and self.data not in {v for v, _ in self.choices}:
            raise validators.ValidationError(self.gettext("Not a valid choice."))

    def populate_obj(self, obj, name):
        setattr(obj, name, self.enum_class(self.data) if self.data else None)


class EnumListField(SelectMultipleField):
    """Several of an enum's members (a multiple choice), shown by their labels."""

    widget = Select2Widget(multiple=True)

    def __init__(self, enum_class, label=None, validators=None, **kwargs):
        kwargs.pop("default", None)
        super().__init__(label, validators, choices=enum_class.choices(), default=list, **kwargs)
        self.enum_class = enum_class

    def process_data(self, value):
        self.data = [v.value if isinstance(v, enum.Enum) else v for v in value or []]

    def populate_obj(self, obj, name):
        setattr(obj, name, [self.enum_class(v) for v in self.data or []])


class UploadField(FileField):
    """A file picked in the form; the view turns it into an Attachment, never a model attribute."""

    def populate_obj(self, obj, name):
        pass


def _with_range(field_args, number_range):
    """Add the column's range unless the view declared one of its own."""
    if not any(isinstance(v, validators.NumberRange) for v in field_args["validators"]):
        field_args["validators"].append(number_range)


class ModelConverter(AdminModelConverter):
    """Flask-Admin's converter, taught the model's own column types and their limits."""

    @converts("String")
    def conv_String(self, column, field_args, **extra):
        field_args["validators"].insert(0, plain_text)
        return super().conv_String(column=column, field_args=field_args, **extra)

    @converts("Text")
    def conv_Text(self, field_args, **extra):
        field_args["validators"][:0] = [plain_text, validators.Length(max=TEXT_LIMIT)]
        return super().conv_Text(field_args=field_args, **extra)

    @converts("Integer")
    def handle_integer_types(self, column, field_args, **extra):
        _with_range(field_args, validators.NumberRange(INTEGERS[0], INTEGERS[-1]))
        return super().handle_integer_types(column=column, field_args=field_args, **extra)

    @converts("Numeric")
    def handle_decimal_types(self, column, field_args, **extra):
        scale = column.type.scale or 0
        field_args["validators"].insert(0, finite)
        field_args["validators"].append(at_most_places(scale))
        if column.type.precision:
            _with_range(field_args, numeric_range(column.type.precision, scale))
        return super().handle_decimal_types(column=column, field_args=field_args, **extra)

    @converts("Rupiah")
    def convert_rupiah(self, column, field_args, **extra):
        field_args["validators"].insert(0, finite)
        field_args["validators"].append(at_most_places(2))
        _with_range(field_args, validators.NumberRange(-MAX_RUPIAH, MAX_RUPIAH))
        field_args.setdefault("places", 2)
        return DecimalField(**field_args)

    @converts("Date")
    def convert_date(self, field_args, **extra):
        field_args["validators"].append(in_years)
        return super().convert_date(field_args=field_args, **extra)

    @converts("UTCDateTime")
    def convert_utc_datetime(self, field_args, **extra):
        return LocalDateTimeField(**field_args)

    @converts("sqlalchemy.sql.sqltypes.Enum")
    def convert_enum(self, column, field_args, **extra):
        field_args["allow_blank"] = column.nullable
        return EnumField(column.type.enum_class, **field_args)

    @converts("CodeList")
    def convert_code_list(self, column, field_args, **extra):
        field_args["validators"] = [v for v in field_args["validators"]
                                    if not isinstance(v, validators.InputRequired)]
        return EnumListField(column.type.enum_class, **field_args)


class CheckedFilter:
    """A filter value that does not parse, or that the column cannot hold, is refused with
    Flask-Admin's "invalid filter value" message instead of failing the page."""

    def validate(self, value):
        try:
            return super().validate(value) and fits(self.clean(value))
        except (ValueError, KeyError, OverflowError):
            return False


def checked(filter_classes):
    return tuple(type(f.__name__, (CheckedFilter, f), {}) for f in filter_classes)


class LocalDateTimeBetween(sqla_filters.DateTimeBetweenFilter):
    def clean(self, value):
        return [from_local(moment) for moment in super().clean(value)]


class LocalDateTimeGreater(sqla_filters.DateTimeGreaterFilter):
    def clean(self, value):
        return from_local(super().clean(value))


class LocalDateTimeSmaller(sqla_filters.DateTimeSmallerFilter):
    def clean(self, value):
        return from_local(super().clean(value))


_PLAIN = sqla_filters.FilterConverter
LOCAL_DATETIME_FILTERS = checked((LocalDateTimeBetween, LocalDateTimeGreater,
                                  LocalDateTimeSmaller, sqla_filters.FilterEmpty))
ENUM_FILTERS = checked((sqla_filters.EnumEqualFilter, sqla_filters.EnumFilterNotEqual,
                        sqla_filters.EnumFilterInList))


class FilterConverter(_PLAIN):
    """Filters typed in office time, enum filters that offer translated labels, and every
    filter checked against what its column holds."""

    strings = checked(_PLAIN.strings)
    int_filters = checked(_PLAIN.int_filters)
    float_filters = checked(_PLAIN.float_filters)
    bool_filters = checked(_PLAIN.bool_filters)
    date_filters = checked(_PLAIN.date_filters)
    datetime_filters = checked(_PLAIN.datetime_filters)

    @sqla_filters.filters.convert("utcdatetime")
    def conv_utc_datetime(self, column, name, **kwargs):
        return [f(column, name, **kwargs) for f in LOCAL_DATETIME_FILTERS]

    @sqla_filters.filters.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):
        options = options or [(m.name, m.label) for m in column.type.enum_class]
        return [f(column, name, options, **kwargs) for f in ENUM_FILTERS]


def known_choice(form, field):
    """A dropdown sent a value that is none of its choices (a forged id, another agency's
    record) refuses it; Flask-Admin would save an optional one as empty."""
    if field.raw_data and field.raw_data[0] not in ("", "__None") and field.data is None:
        raise validators.ValidationError(field.gettext("Not a valid choice."))


class ModelCheck:
    """A form validator that asks a model function and shows its DomainError on the field."""

    def __init__(self, check):
        self.check = check

    def __call__(self, form, field):
        if field.data:
            try:
                self.check(field.data)
            except DomainError as exc:
                raise validators.ValidationError(str(exc)) from None
