from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    """Project-wide pieces: site settings, accounts views, demo content commands."""

    name = "lms"
    verbose_name = _("City training LMS")

    def ready(self):
        # Connects the receivers that delete the cached sites when one changes (issue 21), in
        # every process that may change one (web, tasks, manage.py), not only in web workers.
        from lms import sites  # noqa: F401
