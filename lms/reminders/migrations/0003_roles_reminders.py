from django.db import migrations


def sync_roles(apps, schema_editor):
    from lms.organisation.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """OEI edits the reminder policy and reads the outbox."""

    dependencies = [
        ("reminders", "0002_schedules"),
        ("organisation", "0003_roles_compliance"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
