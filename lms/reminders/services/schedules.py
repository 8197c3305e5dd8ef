"""The django-q2 schedules (created by the migration ``0002_schedules``)."""

from datetime import datetime, timedelta

from django.utils import timezone

# --- Schedules -------------------------------------------------------------------------------

SCAN_SCHEDULE = "reminders: daily scan"
SEND_SCHEDULE = "reminders: send pending"
SYNC_SCHEDULE = "compliance: daily assignments sync"


def _next_local(hour: int, minute: int) -> datetime:
    now = timezone.localtime()
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


def schedules_ensure(apps=None) -> None:
    """Create the django-q2 schedules if they are missing (idempotent; run by a migration).

    The assignment sync runs first, so a requirement whose active-from date is today is
    assigned before the reminder scan looks at it.
    """
    if apps is None:
        from django_q.models import Schedule
    else:
        Schedule = apps.get_model("django_q", "Schedule")
    wanted = [
        (
            SYNC_SCHEDULE,
            "lms.reminders.tasks.assignments_sync_daily",
            "D",
            None,
            _next_local(5, 30),
        ),
        (SCAN_SCHEDULE, "lms.reminders.tasks.reminder_scan_daily", "D", None, _next_local(6, 0)),
        (SEND_SCHEDULE, "lms.reminders.tasks.reminders_send_pending", "I", 10, _next_local(6, 10)),
    ]
    for name, func, schedule_type, minutes, next_run in wanted:
        Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
                "next_run": next_run,
            },
        )
