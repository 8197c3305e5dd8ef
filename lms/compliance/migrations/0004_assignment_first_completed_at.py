from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_first_completions(apps, schema_editor):
    """Fill the new column from the records, one UPDATE per requirement (as
    ``compliance.services.assignment_facts_refresh`` does)."""
    Assignment = apps.get_model("compliance", "Assignment")
    Completion = apps.get_model("courses", "Completion")
    TrainingRequirement = apps.get_model("compliance", "TrainingRequirement")
    for requirement_id, course_id in TrainingRequirement.objects.values_list("pk", "course_id"):
        Assignment.objects.filter(requirement_id=requirement_id).update(
            first_completed_at=Subquery(
                Completion.objects.filter(employee_id=OuterRef("employee_id"), course_id=course_id)
                .order_by("completed_at")
                .values("completed_at")[:1]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0003_assignment_latest_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="first_completed_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="first completed at"
            ),
        ),
        migrations.RunPython(copy_first_completions, migrations.RunPython.noop),
    ]
