from django.db import migrations


def install(apps, schema_editor):
    from lms.organisation.roles import roles_sync

    # Content editors may submit courses for translation (wagtail-localize); translations are
    # published only through the City Attorney approval workflow, like every page.
    roles_sync(apps)


class Migration(migrations.Migration):
    """Issue 18: content editors get wagtail-localize's "submit translation" permission."""

    dependencies = [
        ("courses", "0014_attempt_language"),
        ("organisation", "0007_employee_supervisor"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
