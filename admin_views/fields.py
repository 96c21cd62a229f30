"""Form fields and filters that speak the model's types: office-time moments, labelled enums."""

import enum
from datetime import datetime

from flask_admin.contrib.sqla import filters as sqla_filters
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import DateTimeField, Select2Field, Select2Widget
from flask_admin.model.form import converts
from flask_babel import gettext
from wtforms import FileField, SelectMultipleField, validators

from models.errors import DomainError
from models.timezone import from_local, to_local

#: Years a date typed into a form may have; anything else is a typing error.
YEARS = range(1945, 2101)


def _check_year(moment):
    if moment is not None and moment.year not in YEARS:
        raise ValueError(gettext("The year must be between %(first)s and %(last)s.",
                                 first=YEARS[0], last=YEARS[-1]))


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
        _check_year(self.data)

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


class ModelConverter(AdminModelConverter):
    """Flask-Admin's converter, taught the model's own column types."""

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


class LocalDateTimeBetween(sqla_filters.DateTimeBetweenFilter):
    def clean(self, value):
        return [from_local(moment) for moment in super().clean(value)]


class LocalDateTimeGreater(sqla_filters.DateTimeGreaterFilter):
    def clean(self, value):
        return from_local(super().clean(value))


class LocalDateTimeSmaller(sqla_filters.DateTimeSmallerFilter):
    def clean(self, value):
        return from_local(super().clean(value))


class FilterConverter(sqla_filters.FilterConverter):
    """Filters typed in office time and enum filters that offer translated labels."""

    @sqla_filters.filters.convert("utcdatetime")
    def conv_utc_datetime(self, column, name, **kwargs):
        return [f(column, name, **kwargs) for f in (
            LocalDateTimeBetween, LocalDateTimeGreater, LocalDateTimeSmaller,
            sqla_filters.FilterEmpty)]

    @sqla_filters.filters.convert("enum")
    def conv_enum(self, column, name, options=None, **kwargs):
        options = options or [(m.name, m.label) for m in column.type.enum_class]
        return [f(column, name, options, **kwargs) for f in (
            sqla_filters.EnumEqualFilter, sqla_filters.EnumFilterNotEqual,
            sqla_filters.EnumFilterInList)]


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
