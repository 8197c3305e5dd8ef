from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

NAME = "Draft the monthly progress report"
FUNC = "lms.reports.tasks.progress_report_draft_monthly"


def schedule_monthly(apps, schema_editor):
    """One monthly schedule, created or put back as it should be (idempotent)."""
    Schedule = apps.get_model("django_q", "Schedule")
    today = timezone.localdate()
    next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    next_run = timezone.make_aware(datetime.combine(next_month, time(6, 0)))
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "M", "repeats": -1, "next_run": next_run},
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    """The monthly django-q2 schedule that drafts the Mayor's progress report."""

    dependencies = [
        ("reports", "0001_progress_reports_and_exports"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(schedule_monthly, unschedule)]
