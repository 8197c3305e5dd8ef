from importlib import import_module

from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from lms.http import IdConverter


class OrganisationConfig(AppConfig):
    name = "lms.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        # ``<id:...>`` in every URLconf: 1 to 2^63-1, anything else a 404 (lms.http).
        register_converter(IdConverter, "id")
        # Staff who sign in with a password owe a second factor (docs/accounts.md).
        import_module("lms.organisation.second_factor")
