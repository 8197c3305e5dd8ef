"""django-q2 tasks for compliance."""

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from lms.compliance.emails import reminder_message
from lms.compliance.models import ReminderRequest


def reminders_send(day: str) -> int:
    """Send the liaisons' reminder requests of ``day`` not sent yet, over one connection.

    Each row is marked sent right after its message goes out, so a rerun after a crash sends
    only what is left.
    """
    pending = ReminderRequest.objects.filter(day=day, sent_at__isnull=True).select_related(
        "employee__user"
    )
    sent = 0
    with get_connection() as connection:
        for request in pending.iterator(chunk_size=500):
            message = reminder_message(employee=request.employee, connection=connection)
            if message is None:
                continue
            message.send()
            with transaction.atomic():
                ReminderRequest.objects.filter(pk=request.pk, sent_at__isnull=True).update(
                    sent_at=timezone.now()
                )
            sent += 1
    return sent
