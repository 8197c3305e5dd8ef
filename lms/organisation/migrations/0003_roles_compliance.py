from django.db import migrations


def sync_roles(apps, schema_editor):
    from lms.organisation.roles import roles_sync

    roles_sync(apps)


class Migration(migrations.Migration):
    """Give the roles their compliance permissions (requirements, extensions, exemptions...)."""

    dependencies = [
        ("organisation", "0002_roles"),
        ("compliance", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
