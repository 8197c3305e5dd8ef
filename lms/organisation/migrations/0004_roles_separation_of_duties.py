from django.db import migrations


def sync_roles(apps, schema_editor):
    from lms.organisation.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """OEI edits the organisation settings and picks the certificate images (docs/roles.md)."""

    dependencies = [
        ("organisation", "0003_roles_compliance"),
        ("lms", "0001_initial"),
        ("certificates", "0002_roles_certificates"),
        ("compliance", "0004_assignment_first_completed_at"),
        ("reminders", "0004_reminder_key_due_date"),
        ("reports", "0002_monthly_progress_report_schedule"),
        ("courses", "0009_city_attorney_approval"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
