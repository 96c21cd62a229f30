"""Form fields and filters that speak the model's types: office-time moments, labelled enums;
and that refuse, with a message, any value the column cannot hold."""

import enum
from datetime import datetime

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DatePickerWidget, DateTimePickerWidget, Select2Field, Select2Widget
from flask_admin.model.form import converts
from flask_babel import gettext
from markupsafe import Markup
from wtforms import DecimalField, Field, FileField, SelectMultipleField, validators
from wtforms.widgets import FileInput, TextInput

from models.bounds import TEXT_LIMIT
from models.db import MAX_RUPIAH
from models.errors import DomainError
from models.timezone import from_local, to_local

from .entry import (
    DAY_SHOWN,
    MOMENT_SHOWN,
    PICKER_DAY,
    PICKER_MOMENT,
    day_hint,
    day_message,
    moment_hint,
    moment_message,
    parse_day,
    parse_moment,
    parse_rupiah,
    rupiah_message,
    show_rupiah,
    split_range,
)
from .limits import (
    INTEGERS,
    at_most_places,
    check_year,
    finite,
    fits,
    numeric_range,
    plain_text,
)


class TypedDateField(Field):
    """A date or moment typed the office's way (dd/mm/yyyy) or picked; the format is shown as
    the placeholder and under the field, and anything else is refused, never guessed at."""

    shown = picker = ""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("description", self.hint())
        super().__init__(label, validators, **kwargs)

    def hint(self) -> str:
        raise NotImplementedError

    def message(self) -> str:
        raise NotImplementedError

    def parse(self, text: str):
        raise NotImplementedError

    def __call__(self, **kwargs):
        kwargs.setdefault("placeholder", self.hint())
        kwargs.setdefault("data-date-format", self.picker)
        kwargs.setdefault("autocomplete", "off")
        return super().__call__(**kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(self.shown) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        try:
            self.data = self.parse(" ".join(valuelist))
        except ValueError:
            self.data = None
            raise ValueError(self.message()) from None
        check_year(self.data)


class LocalDateField(TypedDateField):
    """A day: 01/12/2026 is 1 December 2026."""

    widget = DatePickerWidget()
    shown, picker = DAY_SHOWN, PICKER_DAY
    hint, message, parse = map(staticmethod, (day_hint, day_message, parse_day))


class LocalDateTimeField(TypedDateField):
    """Typed and shown in office time (WIB), stored as an aware UTC moment."""

    widget = DateTimePickerWidget()
    shown, picker = MOMENT_SHOWN, PICKER_MOMENT
    hint, message, parse = map(staticmethod, (moment_hint, moment_message, parse_moment))

    def _value(self):
        # a moment with seconds (the default "now") keeps them: cut to the minute, it could
        # fall before a step recorded earlier in the same minute
        if not self.raw_data and self.data and self.data.second:
            return self.data.strftime(MOMENT_SHOWN + ":%S")
        return super()._value()

    def process_data(self, value):
        self.data = to_local(value).replace(tzinfo=None) if isinstance(value, datetime) and \
            value.tzinfo else value

    def populate_obj(self, obj, name):
        setattr(obj, name, from_local(self.data) if self.data else None)


class RupiahField(DecimalField):
    """An amount typed as the user writes it (185.000.000 or 185.000.000,50 in Indonesian) and
    shown the same way for typing again; anything else is refused with an example."""

    widget = TextInput()  # a number input would take neither the dots nor the comma

    def __call__(self, **kwargs):
        kwargs.setdefault("inputmode", "decimal")
        kwargs.setdefault("placeholder", show_rupiah(185_000_000))
        return super().__call__(**kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return show_rupiah(self.data)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_rupiah(valuelist[0])
        except ValueError:
            self.data = None
            raise ValueError(rupiah_message()) from None


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


class FileChooser(FileInput):
    """A file input whose button and "no file" text are in the page's language (the browser's
    own would be in the browser's); panel.js writes the chosen file's name in its place. The
    input lies over that text and takes the clicks; its one label is the form's own."""

    def __call__(self, field, **kwargs):
        kwargs["class"] = "custom-file-input"
        kwargs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png")
        return Markup('<div class="custom-file">{}<span class="custom-file-label" '
                      'aria-hidden="true" data-browse="{}">{}</span></div>').format(
            super().__call__(field, **kwargs), gettext("Choose a file"),
            gettext("No file chosen"))


class UploadField(FileField):
    """A file picked in the form; the view turns it into an Attachment, never a model attribute."""

    widget = FileChooser()

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
        field_args.pop("places", None)
        return RupiahField(**field_args)

    @converts("Date")
    def convert_date(self, field_args, **extra):
        return LocalDateField(**field_args)  # its year is checked as it is read

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


class TypedDay:
    """A date filter typed as dd/mm/yyyy (or picked; the ISO form of older links too)."""

    def clean(self, value):
        return parse_day(value)


class TypedDayRange:
    """Two dates, "01/12/2026 s.d. 31/12/2026", the first not after the second."""

    def clean(self, value):
        return [parse_day(end) for end in split_range(value)]

    def validate(self, value):
        try:
            first, last = self.clean(value)
        except ValueError:
            return False
        return first <= last


class LocalMoment:
    """A moment typed in office time (dd/mm/yyyy hh:mm), compared with the stored UTC."""

    def clean(self, value):
        return from_local(parse_moment(value))


class LocalMomentRange:
    def clean(self, value):
        return [from_local(parse_moment(end)) for end in split_range(value)]

    def validate(self, value):
        try:
            first, last = self.clean(value)
        except ValueError:
            return False
        return first <= last


def typed(filter_classes):
    """Flask-Admin's date filters reading the office's way of typing dates."""
    def reader(f):
        if issubclass(f, sqla_filters.FilterEmpty):
            return f
        moment = issubclass(f, (sqla_filters.DateTimeBetweenFilter,
                                sqla_filters.DateTimeGreaterFilter,
                                sqla_filters.DateTimeSmallerFilter,
                                sqla_filters.DateTimeEqualFilter,
                                sqla_filters.DateTimeNotEqualFilter))
        ranged = issubclass(f, (sqla_filters.DateBetweenFilter,
                                sqla_filters.DateTimeBetweenFilter))
        mixin = ((LocalMomentRange if ranged else LocalMoment) if moment
                 else (TypedDayRange if ranged else TypedDay))
        return type(f.__name__, (mixin, f), {})
    return tuple(map(reader, filter_classes))


_PLAIN = sqla_filters.FilterConverter
LOCAL_DATETIME_FILTERS = checked(typed((
    sqla_filters.DateTimeBetweenFilter, sqla_filters.DateTimeGreaterFilter,
    sqla_filters.DateTimeSmallerFilter, sqla_filters.FilterEmpty)))
ENUM_FILTERS = checked((sqla_filters.EnumEqualFilter, sqla_filters.EnumFilterNotEqual,
                        sqla_filters.EnumFilterInList))


class FilterConverter(_PLAIN):
    """Filters typed in office time, enum filters that offer translated labels, and every
    filter checked against what its column holds."""

    strings = checked(_PLAIN.strings)
    int_filters = checked(_PLAIN.int_filters)
    float_filters = checked(_PLAIN.float_filters)
    bool_filters = checked(_PLAIN.bool_filters)
    date_filters = checked(typed(_PLAIN.date_filters))
    datetime_filters = checked(typed(_PLAIN.datetime_filters))

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
