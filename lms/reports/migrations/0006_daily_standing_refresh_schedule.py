from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

NAME = "Recompute the standing aggregates"
FUNC = "lms.reports.tasks.standing_refresh_daily"


def schedule_daily(apps, schema_editor):
    """One daily schedule, just after local midnight, created or put back (idempotent)."""
    Schedule = apps.get_model("django_q", "Schedule")
    tomorrow = timezone.localdate() + timedelta(days=1)
    next_run = timezone.make_aware(datetime.combine(tomorrow, time(0, 5)))
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "D", "repeats": -1, "next_run": next_run},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    """The daily django-q2 schedule that recomputes the standing aggregates for the new day
    (docs/aggregates.md)."""

    dependencies = [
        ("reports", "0005_standing_aggregates"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_daily, unschedule)]
