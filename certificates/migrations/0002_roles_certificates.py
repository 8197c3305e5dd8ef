from django.db import migrations


def sync_roles(apps, schema_editor):
    from lms.organisation.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Give OEI and liaisons their certificate permissions (revoke, re-issue, ZIP, settings)."""

    dependencies = [
        ("certificates", "0001_certificates"),
        ("organisation", "0003_roles_compliance"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
