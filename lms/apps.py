from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    """Project-wide pieces: site settings, accounts views, demo content commands."""

    name = "lms"
    verbose_name = _("City training LMS")
