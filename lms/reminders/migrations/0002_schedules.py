from django.db import migrations


def create_schedules(apps, schema_editor):
    from lms.reminders.services.schedules import schedules_ensure

    schedules_ensure(apps)


class Migration(migrations.Migration):
    """The daily assignment sync, the daily reminder scan and the retry of unsent reminders, as
    django-q2 schedules: created here (idempotently), never by hand."""

    dependencies = [
        ("reminders", "0001_policy_outbox"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
