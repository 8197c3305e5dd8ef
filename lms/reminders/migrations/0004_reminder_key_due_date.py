from django.db import migrations, models


class Migration(migrations.Migration):
    """A reminder is logged once per assignment, kind, *due date* and milestone.

    An extension moves the due date and every milestone with it; without the due date in the
    key, a new milestone falling on a day already logged for the old date was never sent.
    Rows already logged keep their ``due_on`` (the due date they were about), so for an
    unchanged due date the new key matches them exactly: nothing is logged or sent again.

    Forward, the rows are unique under the wider key as they were under the narrower one.
    Backward, re-adding the old key fails (IntegrityError, nothing changed) once a moved
    milestone has been logged beside an old one on the same day: the records are immutable
    and are not deleted to make room.
    """

    dependencies = [("reminders", "0003_roles_reminders")]

    operations = [
        migrations.AddConstraint(
            model_name="reminderlog",
            constraint=models.UniqueConstraint(
                fields=("assignment", "kind", "due_on", "period"),
                name="reminder_once_per_due_milestone",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="reminderlog",
            name="reminder_once_per_milestone",
        ),
    ]
