"""reminders 0004: the due date joins the reminder's unique key.

Rows logged under the old key (assignment, kind, period) must keep counting as logged: after
the migration, a scan of the same day, due date unchanged, logs and sends nothing again. Back
to the old key, the rows are kept; with a moved milestone logged beside an old one on the same
day the way back is refused, and nothing is lost.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from lms.compliance import events
from lms.compliance.services import extension_grant
from lms.reminders.models import Digest, ReminderLog, ReminderPolicy
from lms.reminders.services import outbox, scan
from lms.reports import receivers

AGGREGATES_RECEIVER = "reports.aggregates_on_standing"

OLD_KEY = ("reminders", "0003_roles_reminders")
NEW_KEY = ("reminders", "0004_reminder_key_due_date")
LATER = ("reminders", "0005_outbox_sending_uncertain")
LATEST = ("reminders", "0006_outbox_skip_and_nudges")


#: Columns added after 0004 (0005: the sender's "sending" mark). Today's code, which these tests
#: run on the older schemas, reads them: they are added beside those schemas, and taken away
#: again before migrating forward, so the migrations under test run as they would.
LATER_COLUMNS = [
    (model, name) for model in (ReminderLog, Digest) for name in ("uncertain", "sending_at")
]


#: Columns added by 0006 (skipped rows, the liaison's request a digest carries out), added
#: and taken away with plain ALTER TABLE: SQLite's table rebuild from an older schema's model
#: would drop the 0005 columns added beside it.
SKIP_COLUMNS = [
    (model, name) for model in (ReminderLog, Digest) for name in ("skipped_at", "skip_reason")
] + [(Digest, "request")]


#: Column added by 0007 (copying supervisors on escalations), handled like those of 0006.
SUPERVISOR_COPIES = ("reminders", "0007_supervisor_copies")


def _supervisor_columns(*, present: bool) -> None:
    if SUPERVISOR_COPIES in MigrationRecorder(connection).applied_migrations():
        return
    quote = connection.ops.quote_name
    table = quote(ReminderPolicy._meta.db_table)
    column = quote(ReminderPolicy._meta.get_field("copy_supervisors").column)
    if ("copy_supervisors" in _columns(ReminderPolicy)) == present:
        return
    if present:
        sql = f"ALTER TABLE {table} ADD COLUMN {column} boolean NOT NULL DEFAULT FALSE"
    else:
        sql = f"ALTER TABLE {table} DROP COLUMN {column}"
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _skip_columns(*, present: bool) -> None:
    _supervisor_columns(present=present)
    if LATEST in MigrationRecorder(connection).applied_migrations():
        return
    quote = connection.ops.quote_name
    for model, name in SKIP_COLUMNS:
        field = model._meta.get_field(name)
        if (field.column in _columns(model)) == present:
            continue
        table, column = quote(model._meta.db_table), quote(field.column)
        if present:
            null = " NOT NULL DEFAULT ''" if name == "skip_reason" else " NULL"
            sql = f"ALTER TABLE {table} ADD COLUMN {column} {field.db_type(connection)}{null}"
        else:
            sql = f"ALTER TABLE {table} DROP COLUMN {column}"
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _columns(model) -> set[str]:
    with connection.cursor() as cursor:
        return {
            column.name
            for column in connection.introspection.get_table_description(
                cursor, model._meta.db_table
            )
        }


#: organisation's migrations from 0004 on depend on reminders 0004, so going back to 0003 takes
#: them away too; today's code reads what they add. What is missing is added beside the old
#: schema (plain nullable columns, new tables) and taken away again before migrating forward.
_organisation_added: list[tuple] = []


def _organisation_today(*, present: bool) -> None:
    quote = connection.ops.quote_name
    if not present:
        with connection.schema_editor() as editor:
            for kind, model, field in reversed(_organisation_added):
                if kind == "table":
                    editor.delete_model(model)
                else:
                    table, column = quote(model._meta.db_table), quote(field.column)
                    editor.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        _organisation_added.clear()
        return
    tables = set(connection.introspection.table_names())
    for model in apps.get_app_config("organisation").get_models():
        if model._meta.db_table not in tables:
            with connection.schema_editor() as editor:
                editor.create_model(model)
            _organisation_added.append(("table", model, None))
            continue
        existing = _columns(model)
        for field in model._meta.concrete_fields:
            if field.column in existing:
                continue
            table, column = quote(model._meta.db_table), quote(field.column)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ALTER TABLE {table} ADD COLUMN {column} {field.db_type(connection)} NULL"
                )
            _organisation_added.append(("column", model, field))


def _later_columns(*, present: bool) -> None:
    if not present:
        _organisation_today(present=False)
        _skip_columns(present=False)
    applied = MigrationRecorder(connection).applied_migrations()
    if LATER in applied:
        return  # the migration itself added them, and will take them away
    # The schema's own models (the state of the applied migrations), so that SQLite's table
    # rebuild keeps that schema's keys.
    state = MigrationExecutor(connection).loader.project_state(
        [key for key in applied if key[0] == "reminders"]
    )
    for model, name in LATER_COLUMNS:
        if (name in _columns(model)) == present:
            continue
        field = model._meta.get_field(name)
        historical = state.apps.get_model("reminders", model.__name__)
        with connection.schema_editor() as editor:
            if present:
                editor.add_field(historical, field)
            else:
                editor.remove_field(historical, field)
    if present:
        _skip_columns(present=True)
        _organisation_today(present=True)


def _migrate(target):
    _later_columns(present=False)
    MigrationExecutor(connection).migrate([target])
    _later_columns(present=True)


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
    """The outbox with its key as before 0004; fully migrated again afterwards.

    The reports' standing aggregates (a later migration of an app above reminders) do not
    exist on the older schema: their receiver is disconnected meanwhile."""
    events.standing_changed.disconnect(dispatch_uid=AGGREGATES_RECEIVER)
    try:
        _migrate(OLD_KEY)
        assert _unique_keys() == [("assignment_id", "kind", "period")]
        yield
    finally:
        _later_columns(present=False)
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
        events.standing_changed.connect(
            receivers.aggregates_on_standing, dispatch_uid=AGGREGATES_RECEIVER
        )


def run(day):
    scan.reminder_scan(today=day)
    return outbox.outbox_send()


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
