"""reminders 0004: the due date joins the reminder's unique key.

Rows logged under the old key (assignment, kind, period) must keep counting as logged: after
the migration, a scan of the same day, due date unchanged, logs and sends nothing again. Back
to the old key, the rows are kept; with a moved milestone logged beside an old one on the same
day the way back is refused, and nothing is lost.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from lms.compliance.services import extension_grant
from lms.reminders import services
from lms.reminders.models import ReminderLog

OLD_KEY = ("reminders", "0003_roles_reminders")
NEW_KEY = ("reminders", "0004_reminder_key_due_date")


def _migrate(target):
    MigrationExecutor(connection).migrate([target])


def _unique_keys() -> list[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, ReminderLog._meta.db_table)
    return sorted(
        tuple(info["columns"])
        for info in constraints.values()
        if info["unique"] and not info["primary_key"]
    )


@pytest.fixture
def old_key(transactional_db):
    """The outbox with its key as before 0004; fully migrated again afterwards."""
    try:
        _migrate(OLD_KEY)
        assert _unique_keys() == [("assignment_id", "kind", "period")]
        yield
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )


def run(day):
    services.reminder_scan(today=day)
    return services.outbox_send()


def test_rows_logged_under_the_old_key_still_count_as_logged(old_key, ana, assign, day, liaison):
    assign(ana, day - timedelta(days=8))  # overdue: a reminder and an escalation
    run(day)
    logged = list(ReminderLog.objects.order_by("pk").values_list("kind", "due_on", "period"))
    assert [kind for kind, _due, _period in logged] == ["overdue", "liaison"]
    sent = len(mail.outbox)

    _migrate(NEW_KEY)
    assert _unique_keys() == [("assignment_id", "kind", "due_on", "period")]
    run(day)
    run(day + timedelta(days=1))
    assert list(ReminderLog.objects.order_by("pk").values_list("kind", "due_on", "period")) == (
        logged
    )
    assert len(mail.outbox) == sent

    _migrate(OLD_KEY)  # no two rows share the old key: the way back is open
    assert ReminderLog.objects.count() == 2


def test_the_way_back_is_refused_once_a_moved_milestone_shares_a_day(
    old_key, ana, assign, day, liaison
):
    _migrate(NEW_KEY)
    assignment = assign(ana, day + timedelta(days=7))
    run(day)  # the 7-day reminder, on day
    extension_grant(
        assignment=assignment,
        new_due_on=day + timedelta(days=30),
        reason="Leave",
        granted_by=liaison,
    )
    run(day)  # the new date's 30-day reminder, on day too
    assert ReminderLog.objects.filter(period=day).count() == 2
    with pytest.raises(IntegrityError):
        _migrate(OLD_KEY)
    assert ReminderLog.objects.count() == 2
    assert _unique_keys() == [("assignment_id", "kind", "due_on", "period")]
