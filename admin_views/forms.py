"""The generated forms: Flask-WTF's CSRF token, messages in the user's language, and relation
dropdowns that offer only what the user may see."""

from flask_admin.contrib.sqla.fields import QuerySelectField, QuerySelectMultipleField
from flask_admin.form import BaseForm
from flask_admin.model.fields import AjaxSelectField
from flask_babel import Domain
from flask_wtf import FlaskForm
from wtforms import validators

from .fields import known_choice
from .permissions import scope

#: WTForms' own messages, from the project's catalog (WTForms ships no Indonesian one).
wtforms_domain = Domain(domain="wtforms")


class _Translations:
    """Raw catalog look-ups: WTForms fills the %(placeholders)s itself."""

    def gettext(self, string):
        return wtforms_domain.get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        return wtforms_domain.get_translations().ungettext(singular, plural, n)


class AdminForm(BaseForm):
    """Every generated form: Flask-WTF's CSRF token and messages in the user's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _Translations()


def scope_choices(form, user):
    """Relation dropdowns list only rows the user may see, and start empty, not on row one."""
    for field in form:
        if isinstance(field, AjaxSelectField):  # its look-up is scoped (lookups.py)
            field.validators = [*field.validators, known_choice]
            continue
        factory = getattr(field, "query_factory", None)
        if factory is None:
            continue
        query = factory()
        model = query.column_descriptions[0]["entity"]
        field.query_factory = lambda q=query, m=model: scope(q, m, user)
        if not isinstance(field, QuerySelectField) or isinstance(
                field, QuerySelectMultipleField):
            continue
        if not field.allow_blank:
            field.allow_blank = True
            field.validators = [*field.validators, validators.DataRequired()]
        field.validators = [*field.validators, known_choice]
    return form
