from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Who must take what by when (EO §5): requirements, assignments, the liaison dashboard."""

    name = "lms.compliance"
    label = "compliance"
    verbose_name = _("Compliance")

    def ready(self):
        # Connects compliance's receivers of courses' and organisation's domain events.
        from lms.compliance import receivers  # noqa: F401
