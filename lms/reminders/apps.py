from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    """Refresher reminders and escalation: the policy, the outbox log and the daily scan."""

    name = "lms.reminders"
    label = "reminders"
    verbose_name = _("Reminders")
