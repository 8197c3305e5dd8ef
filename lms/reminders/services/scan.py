"""The daily scan: finds what is due with one query per kind of reminder and logs it into the
outbox (``INSERT ... ON CONFLICT DO NOTHING`` on the rows' unique keys, so a milestone is
logged once however often the scan runs), then builds the digests."""

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import with_status
from lms.organisation.dates import expiry, recertification_opens, window_open_if_completed_before
from lms.reminders.models import (
    Delivery,
    ReminderLog,
    ReminderPolicy,
    ReminderPreference,
)
from lms.reminders.services.digests import _digests_build

Kind = ReminderLog.Kind


@dataclass
class ScanResult:
    day: date
    logged: dict[str, int] = field(default_factory=dict)
    digests: int = 0

    @property
    def total(self) -> int:
        return sum(self.logged.values())


def policy_current() -> ReminderPolicy:
    return ReminderPolicy.load()


# --- The scan --------------------------------------------------------------------------------


def open_assignments(*, today: date) -> QuerySet[Assignment]:
    """Assignments that may need a reminder: active, of an active employee and requirement in
    force, not exempt (today), with compliance.selectors' annotations (effective due date,
    latest completion)."""
    requirements = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
    assignments = Assignment.objects.filter(
        is_active=True,
        employee__is_active=True,
        requirement__is_active=True,
        requirement__active_from__lte=today,
    )
    return with_status(assignments, requirements=requirements, today=today).filter(exempt=False)


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _in_window(*, today: date) -> tuple[Q, dict[int, int], dict[int, int]]:
    """Assignments whose latest completion's recertification window has opened by ``today``
    (its expiry minus the requirement's window), and each requirement's months and window."""
    end = _day_end(today)
    in_window = Q(pk__in=[])
    months, windows = {}, {}
    for requirement in TrainingRequirement.objects.all():
        windows[requirement.pk] = requirement.window_days
        limit = end + timedelta(days=requirement.window_days)
        condition = Q(last_expires_at__lt=limit)
        if requirement.recertify_months:
            months[requirement.pk] = requirement.recertify_months
            condition |= Q(
                last_expires_at__isnull=True,
                # The same threshold as compliance's "due soon" (lms.compliance.selectors).
                last_completed_at__lt=window_open_if_completed_before(
                    end, requirement.recertify_months, requirement.window_days
                ),
            )
        in_window |= Q(requirement_id=requirement.pk, last_completed_at__isnull=False) & condition
    return in_window, months, windows


CANDIDATE_FIELDS = (
    "pk",
    "employee_id",
    "requirement_id",
    "effective_due_on",
    "last_completed_at",
    "last_expires_at",
)


def values_memoized(queryset: QuerySet, *, chunk_size: int = 5000) -> Iterator[tuple]:
    """The rows of a ``values_list`` queryset, exactly as iterating it gives them, with each
    column's database value converted once per distinct value instead of once per row.

    The candidates of a first scan are hundreds of thousands of rows sharing a few thousand due
    dates, and on SQLite every date and datetime arrives as text for Django's converters to
    parse: the ORM's per-row conversion costs more than the query. NULLs are not converted
    (Django's date and time converters return them as they are); ``tests/reminders`` checks
    that the rows equal the queryset's own.
    """
    compiler = queryset.query.get_compiler(using=queryset.db)
    chunks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk_size)
    fields = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
    converters = list(compiler.get_converters(fields).items())
    if not converters:
        yield from (tuple(row) for chunk in chunks for row in chunk)
        return
    db = compiler.connection
    memos = [{} for _ in converters]
    for chunk in chunks:
        for raw in chunk:
            row = list(raw)
            for (position, (functions, expression)), memo in zip(converters, memos, strict=True):
                value = row[position]
                if value is None:
                    continue
                converted = memo.get(value, memo)
                if converted is memo:
                    converted = value
                    for function in functions:
                        converted = function(converted, expression, db)
                    memo[value] = converted
                row[position] = converted
            yield tuple(row)


def candidate_query(*, policy: ReminderPolicy, today: date, in_window: Q) -> QuerySet:
    """The one query that finds every assignment with a reminder on ``today``: not completed
    and due within the earliest milestone (or past due), or in its recertification window."""
    horizon = max(policy.days_before_list or [0])
    due = Q(last_completed_at__isnull=True, effective_due_on__lte=today + timedelta(days=horizon))
    wanted = due | in_window if policy.refresher_reminders else due
    return open_assignments(today=today).filter(wanted).values_list(*CANDIDATE_FIELDS)


class LogRow(NamedTuple):
    """A reminder to log: the outbox row's own columns, before it exists.

    Plain tuples, not model instances: the first scan of a city logs hundreds of thousands,
    and building and saving a model instance for each costs more than the query that finds them.
    """

    assignment_id: int
    employee_id: int
    kind: str
    period: date
    due_on: date
    milestone: int
    delivery: str


class _DuePlans(dict):
    """What an assignment not completed logs on ``today``, by its due date: a tuple of
    (kind, period, milestone, sent in a digest) per reminder, worked out once per due date."""

    def __init__(self, *, policy: ReminderPolicy, today: date):
        super().__init__()
        self.today = today
        self.every = policy.overdue_every_days
        self.on_due_date = policy.on_due_date
        self.escalations = [
            (kind.value, after)
            for kind, after in (
                (Kind.LIAISON, policy.liaison_after_days),
                (Kind.OEI, policy.oei_after_days),
            )
            if after
        ]
        self.days = sorted(policy.days_before_list)

    def plan(self, due: date) -> tuple[tuple[str, date, int, bool], ...]:
        left = (due - self.today).days
        if left > 0:
            # The smallest milestone at or above the days left, if any.
            milestone = next((days for days in self.days if days >= left), None)
            if milestone is None:
                return ()
            return ((Kind.BEFORE_DUE.value, due - timedelta(days=milestone), milestone, False),)
        if left == 0:
            return ((Kind.DUE.value, due, 0, False),) if self.on_due_date else ()
        late = -left
        milestone = min(late, 32767)  # milestone is a small integer column
        plan = []
        if self.every:
            start = due + timedelta(days=1 + (late - 1) // self.every * self.every)
            plan.append((Kind.OVERDUE.value, start, milestone, False))
        plan.extend(
            (kind, due, milestone, True) for kind, after in self.escalations if late >= after
        )
        return tuple(plan)


def classify(
    rows, *, policy: ReminderPolicy, today: date, weekly: set[int], months: dict, windows: dict
) -> list[LogRow]:
    """The reminders each candidate has on ``today``, as rows to log.

    Each row's ``period`` is its milestone, computed from the due date alone, so the unique key
    (assignment, kind, due date, period) makes any rerun, catch-up or concurrent scan a no-op,
    and a due date moved by an extension gets milestones of its own (``due_on`` is the date):

    - before the due date, the band (today + next smaller milestone, today + milestone] is the
      milestone's, so after an outage only the latest milestone passed is sent;
    - overdue cycle k starts on due + 1 + k x every, and only the current cycle is logged;
    - escalations happen once per due date; a refresher once per completion (its expiry).
    """
    plans = _DuePlans(policy=policy, today=today)
    refresher = Kind.REFRESHER.value
    single, weekly_, digest = Delivery.SINGLE.value, Delivery.WEEKLY.value, Delivery.DIGEST.value
    largest = 32767  # milestone is a small integer column
    zone = timezone.get_current_timezone()  # once: each lookup goes through asgiref's Local
    # Hundreds of thousands of candidates on a first scan, most of them sharing a due date with
    # thousands of others: what a due date logs is worked out once per date (``plans``), and
    # the loop reads only locals, with no call per row but the tuple's.
    logs: list[LogRow] = []
    append, new = logs.append, tuple.__new__  # new(LogRow, values): one C call a row
    for pk, employee_id, requirement_id, due, completed_at, expires_at in rows:
        delivery = weekly_ if employee_id in weekly else single
        if completed_at is not None:
            expires = expires_at or expiry(completed_at, months[requirement_id])
            expires_on = expires.astimezone(zone).date()
            window = windows[requirement_id]
            start = recertification_opens(expires_on, window)
            values = (pk, employee_id, refresher, start, expires_on, min(window, largest), delivery)
            append(new(LogRow, values))
            continue
        plan = plans.get(due)
        if plan is None:
            plan = plans[due] = plans.plan(due)
        for kind, start, milestone, to_digest in plan:
            sent_by = digest if to_digest else delivery
            append(new(LogRow, (pk, employee_id, kind, start, due, milestone, sent_by)))
    return logs


def candidate_rows(*, policy: ReminderPolicy, today: date) -> list[LogRow]:
    """Every reminder due on ``today`` (logged already or not), as unsaved log rows: one query,
    none per employee."""
    in_window, months, windows = _in_window(today=today)
    weekly = set(
        ReminderPreference.objects.filter(delivery=Delivery.WEEKLY).values_list(
            "employee_id", flat=True
        )
    )
    rows = values_memoized(candidate_query(policy=policy, today=today, in_window=in_window))
    return classify(rows, policy=policy, today=today, weekly=weekly, months=months, windows=windows)


def _not_logged(rows: list[LogRow]) -> list[LogRow]:
    """Leave out the rows whose key (assignment, kind, due date, milestone) is logged already
    (one query over their periods)."""
    if not rows:
        return rows
    logged = set(
        ReminderLog.objects.filter(
            period__gte=min(row.period for row in rows), period__lte=max(row.period for row in rows)
        )
        .values_list("assignment_id", "kind", "due_on", "period")
        .iterator(chunk_size=10000)
    )
    if not logged:
        return rows
    return [
        row for row in rows if (row.assignment_id, row.kind, row.due_on, row.period) not in logged
    ]


LOG_COLUMNS = (
    *LogRow._fields,
    "scan_date",
    "created_at",
    "attempts",
    "last_error",
    "uncertain",
    "skip_reason",
)


def log_rows_insert(rows: list[LogRow], *, scan_date: date, batch: int = 5000) -> None:
    """Insert outbox rows in bulk, skipping any whose key (assignment, kind, due date, period)
    exists: a concurrent scan may have logged some since, and its rows win.

    One ``INSERT ... ON CONFLICT DO NOTHING`` per batch, the same statement on SQLite and
    PostgreSQL, with the values adapted as the ORM would.
    """
    if not rows:
        return
    ops = connection.ops
    table = connection.ops.quote_name(ReminderLog._meta.db_table)
    columns = ", ".join(ops.quote_name(column) for column in LOG_COLUMNS)
    marks = ", ".join(["%s"] * len(LOG_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608
    day = ops.adapt_datefield_value(scan_date)
    now = ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(
                sql,
                [
                    (
                        row.assignment_id,
                        row.employee_id,
                        row.kind,
                        ops.adapt_datefield_value(row.period),
                        ops.adapt_datefield_value(row.due_on),
                        row.milestone,
                        row.delivery,
                        day,
                        now,
                        0,
                        "",
                        False,
                        "",
                    )
                    for row in rows[start : start + batch]
                ],
            )


@contextmanager
def _collector_paused():
    """A first scan of a large city holds hundreds of thousands of rows, none of them in a
    reference cycle; left on, the cyclic garbage collector walks them all again each time its
    oldest generation grows by a quarter."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def reminder_scan(*, today: date | None = None, dry_run: bool = False) -> ScanResult:
    """Log every reminder due on ``today`` (default: today in the city) and build the digests.

    Idempotent by the unique keys. ``dry_run`` computes the same and writes nothing.
    """
    today = today or timezone.localdate()
    result = ScanResult(day=today)
    with transaction.atomic():
        policy = policy_current()
        with _collector_paused():
            rows = _not_logged(candidate_rows(policy=policy, today=today))
            result.logged = dict(Counter(row.kind for row in rows))
            if dry_run:
                transaction.set_rollback(True)
                return result
            # Still paused: the insert builds a parameter tuple for each of those rows.
            log_rows_insert(rows, scan_date=today)
            result.digests = _digests_build(today=today)
    return result
