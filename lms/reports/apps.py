from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """OEI reporting (EO §5): the citywide dashboard, exports and the Mayor's progress report."""

    name = "lms.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Connects the aggregates to compliance's standing_changed event.
        from lms.reports import receivers  # noqa: F401
