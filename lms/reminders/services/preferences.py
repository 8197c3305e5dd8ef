"""An employee's choice of single reminder emails or a weekly digest."""

from django.db import transaction

from lms.organisation.models import Employee
from lms.reminders.models import (
    Delivery,
    ReminderLog,
    ReminderPreference,
)

# --- Preferences -----------------------------------------------------------------------------


@transaction.atomic
def reminder_preference_set(*, employee: Employee, delivery: str) -> ReminderPreference:
    """Single emails or a weekly digest; the change applies to reminders logged from now on."""
    preference, _created = ReminderPreference.objects.get_or_create(employee=employee)
    preference.delivery = delivery
    preference.full_clean()
    preference.save()
    # Reminders logged but not sent yet follow the new choice too.
    ReminderLog.objects.filter(
        employee=employee,
        sent_at__isnull=True,
        delivery__in=(Delivery.SINGLE, Delivery.WEEKLY),
        digests__isnull=True,
    ).update(delivery=delivery)
    return preference
