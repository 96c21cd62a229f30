"""The application inventory screen."""

from flask_babel import lazy_gettext as _l

from models import RkaItem

from .base import SecuredModelView
from .lookups import ScopedLookup, letter_lookup


class ApplicationView(SecuredModelView):
    resource = "application"
    column_list = ("name", "agency", "spbe_category", "platform", "year_built", "status")
    column_details_list = column_list + ("url", "letter", "rka_item")
    column_export_list = column_details_list
    column_default_sort = "name"
    column_searchable_list = ("name", "url")
    column_filters = ("status", "platform", "spbe_category", "year_built", "agency.name")
    form_columns = ("name", "agency", "spbe_category", "platform", "url", "year_built",
                    "status", "letter", "rka_item")
    form_ajax_refs = {"letter": letter_lookup(), "rka_item": ScopedLookup(
        "rka_item", RkaItem, ["nomenclature_code", "description"], RkaItem.fiscal_year.desc())}
    column_labels = {
        "name": _l("Application"), "agency": _l("Owner (OPD)"), "agency.name": _l("OPD"),
        "spbe_category": _l("SPBE category"), "platform": _l("Platform"), "url": _l("URL"),
        "year_built": _l("Year built"), "status": _l("Status"),
        "letter": _l("Source request"), "rka_item": _l("RKA item"),
    }
