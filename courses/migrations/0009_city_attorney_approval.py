from django.db import migrations


def install(apps, schema_editor):
    from courses.approval import approval_workflow_ensure
    from lms.organisation.roles import roles_sync

    # Content editors lose "publish" (ROLE_PAGE_PERMISSIONS): guidance goes through the workflow.
    roles_sync(apps)
    approval_workflow_ensure(apps)


class Migration(migrations.Migration):
    """The "City Attorney approval" workflow on the whole page tree, and the roles updated."""

    dependencies = [
        ("courses", "0008_policy_references_are_clauses"),
        ("organisation", "0003_roles_compliance"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
