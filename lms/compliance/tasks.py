"""django-q2 tasks for compliance."""

from django_q.tasks import async_task

from lms.compliance.services import NUDGES_TASK


def reminders_send(day: str) -> str:
    """Kept for tasks queued before the liaisons' reminders moved to the reminders outbox:
    hands them to it (compliance cannot import the reminders app, which sits above it)."""
    async_task(NUDGES_TASK, day)
    return "handed to the reminders outbox"
