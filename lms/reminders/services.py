"""Writes for reminders: the daily scan (into the outbox), sending the outbox, preferences and
the django-q2 schedules.

The scan only *logs*: it finds what is due with one query per kind of reminder and inserts the
rows with ``INSERT ... ON CONFLICT DO NOTHING`` on their unique keys, so whoever runs it, however
often, a milestone is logged once. Sending is separate: a sender claims a batch of unsent rows
(a short lease, so two clusters never take the same row), sends them over one connection, and
sends each at most once: "sending" is committed before the message is handed to the mail
server, "sent" after the server accepted it, and a row left "sending" by a sender that died is
marked "may not have been sent" for OEI rather than sent again. A refusal is counted, retried
later with backoff and shown to OEI in the admin.

One pipeline: a liaison's "send reminder" (``compliance.ReminderRequest``) is carried out by
this outbox too (``nudges_log``: a digest of kind NUDGE for the request, with one row per open
assignment), so it has the same claim, retries, backoff, "may not have been sent", language
and Message-ID as the scheduled reminders.

Nothing is sent whose reason is gone: every batch is re-checked against the status that
``compliance.selectors.with_status`` computes (one query per batch) when it is sent, and the
rows gathered into digests when the digests are built. A row whose assignment was completed,
exempted, extended past the row's due date, removed, or whose employee left, is marked skipped
with that reason (``SkipReason``) and never sent.
"""

import gc
import logging
import smtplib
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from lms.audit import audit_record
from lms.compliance.models import Assignment, ReminderRequest, TrainingRequirement
from lms.compliance.selectors import Status, with_status
from lms.organisation.dates import add_months
from lms.organisation.models import Employee, Liaison
from lms.reminders import emails
from lms.reminders.models import (
    MAX_ATTEMPTS,
    Delivery,
    Digest,
    ReminderLog,
    ReminderPolicy,
    ReminderPreference,
    SkipReason,
)

logger = logging.getLogger(__name__)

#: A sender that claimed rows and died lets another take them after this long.
LEASE = timedelta(minutes=15)
#: Failed sends are retried MAX_ATTEMPTS times, waiting BACKOFF x 4^(attempts - 1) in between.
BACKOFF = timedelta(minutes=5)
#: Escalations are gathered into digests for this long after they were logged.
DIGEST_LOOKBACK = timedelta(days=14)
#: A liaison's request not in the outbox after this long (left by the old path) is not sent.
NUDGE_LOOKBACK = timedelta(days=2)

Kind = ReminderLog.Kind


@dataclass
class ScanResult:
    day: date
    logged: dict[str, int] = field(default_factory=dict)
    digests: int = 0

    @property
    def total(self) -> int:
        return sum(self.logged.values())


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    uncertain: int = 0
    #: Rows not sent because their reason was gone at send time (see ``SkipReason``).
    not_needed: int = 0


def policy_current() -> ReminderPolicy:
    return ReminderPolicy.load()


# --- Re-checking: is the reason for a row still there? --------------------------------------

#: What ``_facts`` reads of each assignment, after its pk.
FACT_FIELDS = (
    "is_active",
    "requirement__is_active",
    "employee__is_active",
    "employee__user__is_active",
    "status",
    "effective_due_on",
    "last_completed_at",
    "last_expires_at",
    "requirement__recertify_months",
)


def _facts(assignments: QuerySet[Assignment], *, today: date) -> dict[int, tuple]:
    """The status (from ``with_status``, the one computation of compliance status) and the
    activity of each assignment, in one query."""
    requirements = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
    rows = with_status(assignments, requirements=requirements, today=today).values_list(
        "pk", *FACT_FIELDS
    )
    return {row[0]: row[1:] for row in rows}


def reason_gone(*, kind: str, due_on: date, facts: tuple | None) -> str | None:
    """Why a row about an assignment (its kind and due date) should no longer be sent, or None.

    The same rules as the scan's (``open_assignments``, ``candidate_query``): a reminder about
    a due date is owed while the assignment is active, not exempt, has no completion that
    counts and that due date is still the one to meet; a refresher while the completion it
    is about is the latest; a liaison's reminder while the assignment is not compliant (as
    when it was asked for, ``nudges_log``) and its due date was not extended."""
    if facts is None:
        return SkipReason.REMOVED
    (active, requirement_active, employee_active, user_active, status, effective_due_on) = facts[:6]
    completed_at, expires_at, months = facts[6:]
    if not employee_active or not user_active:
        return SkipReason.LEFT
    if not active or not requirement_active:
        return SkipReason.REMOVED
    if status == Status.EXEMPT:
        return SkipReason.EXEMPT
    if kind == Kind.REFRESHER:
        if completed_at is None:
            return None
        expires = expires_at or (add_months(completed_at, months) if months else None)
        if expires is None or timezone.localdate(expires) > due_on:
            return SkipReason.COMPLETED  # recertified since, or no longer expires
        return None
    if status in Status.COMPLIANT:
        return SkipReason.COMPLETED
    # The scan reminds of a due date only while no completion counts (``candidate_query``);
    # a liaison may remind anyone not compliant, an expired completion's holder too.
    if kind != Kind.NUDGE and completed_at is not None:
        return SkipReason.COMPLETED
    if effective_due_on is not None and effective_due_on > due_on:
        return SkipReason.EXTENDED
    return None


def _skip(model, reasons: dict[int, str], *, now: datetime) -> None:
    """Mark unsent rows skipped, each with its reason (one UPDATE per reason)."""
    by_reason = defaultdict(list)
    for pk, reason in reasons.items():
        by_reason[reason].append(pk)
    for reason, pks in by_reason.items():
        model.objects.filter(pk__in=pks, sent_at__isnull=True, skipped_at__isnull=True).update(
            skipped_at=now, skip_reason=reason, claim=None, claimed_until=None
        )


def logs_recheck(logs: QuerySet[ReminderLog], *, today: date, now: datetime) -> dict[int, str]:
    """Re-check the rows ``logs`` against the assignments' status now (one query for the
    rows, one for their assignments); mark those not sent yet whose reason is gone as skipped.
    Returns every row whose reason is gone (sent ones too: a digest leaves them out) with it."""
    rows = list(logs.values_list("pk", "assignment_id", "kind", "due_on", "sent_at"))
    if not rows:
        return {}
    facts = _facts(
        Assignment.objects.filter(pk__in=logs.values("assignment_id")).order_by(), today=today
    )
    gone, unsent = {}, {}
    for pk, assignment_id, kind, due_on, sent_at in rows:
        reason = reason_gone(kind=kind, due_on=due_on, facts=facts.get(assignment_id))
        if reason:
            gone[pk] = reason
            if sent_at is None:
                unsent[pk] = reason
    _skip(ReminderLog, unsent, now=now)
    return gone


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
                last_completed_at__lt=add_months(limit, -requirement.recertify_months),
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
    every = policy.overdue_every_days
    escalations = [
        (kind.value, after)
        for kind, after in (
            (Kind.LIAISON, policy.liaison_after_days),
            (Kind.OEI, policy.oei_after_days),
        )
        if after
    ]
    # Hundreds of thousands of candidates on a first scan: the loop reads only locals (plain
    # strings for the kinds, a table of each day's milestone), with no call per row but the
    # tuple's.
    days = sorted(policy.days_before_list)
    horizon = days[-1] if days else 0
    milestone_for = [None] * (horizon + 1)  # days left -> the smallest milestone >= it
    for left in range(1, horizon + 1):
        milestone_for[left] = next(d for d in days if d >= left)
    on_due_date = policy.on_due_date
    before_due, due_kind, overdue, refresher = (
        Kind.BEFORE_DUE.value,
        Kind.DUE.value,
        Kind.OVERDUE.value,
        Kind.REFRESHER.value,
    )
    single, weekly_, digest = Delivery.SINGLE.value, Delivery.WEEKLY.value, Delivery.DIGEST.value
    one_day, largest = timedelta(days=1), 32767  # milestone is a small integer column
    zone = timezone.get_current_timezone()  # once: each lookup goes through asgiref's Local
    logs: list[LogRow] = []
    append, new = logs.append, tuple.__new__  # new(LogRow, values): one C call a row
    for pk, employee_id, requirement_id, due, completed_at, expires_at in rows:
        delivery = weekly_ if employee_id in weekly else single
        if completed_at is not None:
            expires = expires_at or add_months(completed_at, months[requirement_id])
            expires_on = expires.astimezone(zone).date()
            window = windows[requirement_id]
            start = expires_on - timedelta(days=window)
            values = (pk, employee_id, refresher, start, expires_on, min(window, largest), delivery)
            append(new(LogRow, values))
            continue
        left = (due - today).days
        if left > 0:
            milestone = milestone_for[left] if left <= horizon else None
            if milestone is not None:
                start = due - timedelta(days=milestone)
                append(new(LogRow, (pk, employee_id, before_due, start, due, milestone, delivery)))
        elif left == 0:
            if on_due_date:
                append(new(LogRow, (pk, employee_id, due_kind, due, due, 0, delivery)))
        else:
            late = -left
            milestone = min(late, largest)
            if every:
                start = due + one_day + timedelta(days=(late - 1) // every * every)
                append(new(LogRow, (pk, employee_id, overdue, start, due, milestone, delivery)))
            for kind, after in escalations:
                if late >= after:
                    append(new(LogRow, (pk, employee_id, kind, due, due, milestone, digest)))
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
    rows = candidate_query(policy=policy, today=today, in_window=in_window).iterator(
        chunk_size=5000
    )
    return classify(rows, policy=policy, today=today, weekly=weekly, months=months, windows=windows)


def _oei_users() -> QuerySet:
    perm = Q(codename="view_citywide_reports", content_type__app_label="organisation")
    from django.contrib.auth.models import Permission

    permission = Permission.objects.filter(perm)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__permissions__in=permission) | Q(user_permissions__in=permission))
        .distinct()
    )


def _attach(kind: str, period: date, pairs: list[tuple[int, int]]) -> int:
    """Put each (recipient, log) pair into the recipient's digest of ``kind`` and ``period``,
    creating the digest if needed; a digest already sent is left alone (its entries wait for
    the next period). Returns the number of digests created."""
    if not pairs:
        return 0
    recipients = {recipient for recipient, _log in pairs}
    before = Digest.objects.filter(kind=kind, period=period).count()
    Digest.objects.bulk_create(
        [
            Digest(recipient_id=user_id, kind=kind, period=period, scan_date=timezone.localdate())
            for user_id in sorted(recipients)
        ],
        ignore_conflicts=True,
    )
    created = Digest.objects.filter(kind=kind, period=period).count() - before
    open_digests = dict(
        Digest.objects.filter(
            kind=kind, period=period, recipient_id__in=recipients, sent_at__isnull=True
        ).values_list("recipient_id", "pk")
    )
    Through = Digest.entries.through
    Through.objects.bulk_create(
        [
            Through(digest_id=open_digests[user_id], reminderlog_id=log_id)
            for user_id, log_id in pairs
            if user_id in open_digests
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    return created


def _told(kind: str, *, since: date) -> tuple[set[tuple[int, int]], set[int]]:
    """Who has which escalation logged since ``since`` in a digest of ``kind`` (sent or not):
    the (recipient, log) pairs, and the logs in anyone's digest."""
    pairs = set(
        Digest.entries.through.objects.filter(
            digest__kind=kind, reminderlog__scan_date__gte=since
        ).values_list("digest__recipient_id", "reminderlog_id")
    )
    return pairs, {log_id for _recipient, log_id in pairs}


def _escalations_owed(logs, *, kind: str, since: date) -> list[tuple[int, int]]:
    """The (recipient, log) pairs still owed: each escalation to each of its recipients once.

    ``logs`` are (log, day logged, recipients), the recipients as (user, from_day) pairs,
    ``from_day`` being when the user started hearing of such escalations (None: not known).
    A user is owed a log unless one of their digests holds it already, and only when they were
    a recipient by the day it was logged, or nobody has been told of it yet: a liaison
    designated later, or a new OEI administrator, hears of what is new from then on (and of
    escalations nobody heard of, within DIGEST_LOOKBACK, as before), not of everything the
    others were told.

    The pair, not the log, is what is "told": a log in one liaison's digest may still be owed
    to another, whose digest of that day had gone out before the log was written.
    """
    told, told_logs = _told(kind, since=since)
    return [
        (user_id, log_id)
        for log_id, logged_on, recipients in logs
        for user_id, from_day in recipients
        if (user_id, log_id) not in told
        and (log_id not in told_logs or (from_day is not None and from_day <= logged_on))
    ]


def _digests_build(*, today: date) -> int:
    """Gather outbox rows meant for digests into them: last week's reminders of employees who
    chose a weekly digest, and escalations for the liaisons and OEI.

    An escalation owed to someone whose digest of today has been sent already (logged by a
    later scan the same day) waits for their next day's digest: one digest a day per recipient
    is what the policy promises and what the digest's unique key (recipient, kind, day) holds;
    a second one the same day would need another key, and would mail a liaison again for each
    scan run by hand. The log stays owed to them (see ``_escalations_owed``) until then.
    """
    created = 0
    monday = today - timedelta(days=today.weekday())
    now = timezone.now()
    weekly = ReminderLog.objects.filter(
        delivery=Delivery.WEEKLY,
        sent_at__isnull=True,
        skipped_at__isnull=True,
        scan_date__lt=monday,
        digests__isnull=True,
    )
    # Only the rows still valid today go into the digest (the others are marked skipped).
    gone = logs_recheck(weekly, today=today, now=now)
    pairs = [
        (user_id, pk)
        for user_id, pk in weekly.values_list("employee__user_id", "pk")
        if pk not in gone
    ]
    created += _attach(Digest.Kind.WEEKLY, monday, pairs)

    since = today - DIGEST_LOOKBACK
    recent = ReminderLog.objects.filter(scan_date__gte=since, skipped_at__isnull=True)
    # Escalations logged on earlier days are re-checked (today's were found valid just now).
    logs_recheck(
        recent.filter(kind__in=(Kind.LIAISON, Kind.OEI), scan_date__lt=today),
        today=today,
        now=now,
    )

    liaisons = defaultdict(list)
    for department_id, user_id, designated_on in Liaison.objects.filter(
        department__is_active=True, user__is_active=True
    ).values_list("department_id", "user_id", "designated_on"):
        liaisons[department_id].append((user_id, designated_on))
    escalated = recent.filter(kind=Kind.LIAISON).values_list(
        "pk", "scan_date", "employee__department_id"
    )
    pairs = _escalations_owed(
        [
            (log_id, day, liaisons.get(department_id, ()))
            for log_id, day, department_id in escalated
        ],
        kind=Digest.Kind.LIAISON,
        since=since,
    )
    created += _attach(Digest.Kind.LIAISON, today, pairs)

    # OEI's role has no date of its own: an administrator's first OEI digest is when they
    # started hearing of escalations (a later log is owed to them; an earlier one only if
    # nobody was told).
    first_digest = dict(
        Digest.objects.filter(kind=Digest.Kind.OEI)
        .values("recipient_id")
        .annotate(first=Min("period"))
        .values_list("recipient_id", "first")
    )
    oei = [
        (user_id, first_digest.get(user_id))
        for user_id in _oei_users().values_list("pk", flat=True)
    ]
    escalated = recent.filter(kind=Kind.OEI).values_list("pk", "scan_date")
    pairs = _escalations_owed(
        [(log_id, day, oei) for log_id, day in escalated], kind=Digest.Kind.OEI, since=since
    )
    created += _attach(Digest.Kind.OEI, today, pairs)
    return created


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
        log_rows_insert(rows, scan_date=today)
        result.digests = _digests_build(today=today)
    return result


# --- The liaisons' reminders ----------------------------------------------------------------


def nudges_log(*, today: date | None = None) -> int:
    """Put the liaisons' reminder requests that are not in the outbox yet into it; returns how
    many.

    Each request (the record of who asked, which stays as it is) gets a digest of kind NUDGE
    for the employee, keyed like the request (recipient, day), with one entry per assignment
    open at this moment (``with_status``: not completed, not exempt). A request whose employee
    has nothing open is recorded as skipped. Idempotent: the digest's and the rows' unique
    keys, and the digest's one-to-one link to the request, make a rerun find what is there.
    Requests of the old path (sent by compliance.tasks) that it left unsent are taken up too,
    if recent (``NUDGE_LOOKBACK``).
    """
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        requests = list(
            ReminderRequest.objects.filter(
                outbox__isnull=True, sent_at__isnull=True, day__gte=today - NUDGE_LOOKBACK
            ).values_list("pk", "employee_id", "employee__user_id", "day")
        )
        if not requests:
            return 0
        employee_ids = {employee_id for _pk, employee_id, _user, _day in requests}
        requirements = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
        open_items = defaultdict(list)
        for pk, employee_id, due_on in (
            with_status(
                Assignment.objects.filter(
                    employee_id__in=employee_ids, is_active=True, employee__is_active=True
                ),
                requirements=requirements,
                today=today,
            )
            .exclude(status__in=Status.COMPLIANT)
            .values_list("pk", "employee_id", "effective_due_on")
        ):
            open_items[employee_id].append((pk, due_on))
        rows = [
            LogRow(assignment_id, employee_id, Kind.NUDGE, day, due_on, 0, Delivery.DIGEST)
            for _pk, employee_id, _user, day in requests
            for assignment_id, due_on in open_items[employee_id]
        ]
        log_rows_insert(rows, scan_date=today)
        Digest.objects.bulk_create(
            [
                Digest(
                    recipient_id=user_id,
                    kind=Digest.Kind.NUDGE,
                    period=day,
                    request_id=pk,
                    scan_date=today,
                )
                for pk, _employee, user_id, day in requests
            ],
            ignore_conflicts=True,
        )
        logs = {(employee_id, day): [] for _pk, employee_id, _user, day in requests}
        for pk, employee_id, day in ReminderLog.objects.filter(
            kind=Kind.NUDGE, employee_id__in=employee_ids, period__in={r[3] for r in requests}
        ).values_list("pk", "employee_id", "period"):
            if (employee_id, day) in logs:
                logs[(employee_id, day)].append(pk)
        for day in {r[3] for r in requests}:
            _attach(
                Digest.Kind.NUDGE,
                day,
                [
                    (user_id, log_id)
                    for _pk, employee_id, user_id, request_day in requests
                    if request_day == day
                    for log_id in logs[(employee_id, day)]
                ],
            )
        empty = Digest.objects.filter(
            request_id__in=[r[0] for r in requests], entries__isnull=True, sent_at__isnull=True
        ).values_list("pk", flat=True)
        _skip(Digest, dict.fromkeys(empty, SkipReason.NOTHING_LEFT), now=now)
    return len(requests)


# --- Sending ---------------------------------------------------------------------------------


def _pending(model, now: datetime) -> QuerySet:
    pending = model.objects.filter(
        sent_at__isnull=True, skipped_at__isnull=True, uncertain=False, attempts__lt=MAX_ATTEMPTS
    ).filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now),
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
    )
    if model is ReminderLog:
        pending = pending.filter(delivery=Delivery.SINGLE)
    return pending


def _interrupted_mark(model, *, now: datetime) -> int:
    """Rows whose sender died after handing the message to the mail server and before
    recording that it was accepted (``sending_at`` set, no ``sent_at``, claim expired): they
    may have gone out, so they become "may not have been sent" and are not sent again."""
    count = model.objects.filter(
        sent_at__isnull=True,
        sending_at__isnull=False,
        uncertain=False,
        claimed_until__lt=now,
    ).update(uncertain=True, claim=None, claimed_until=None)
    if count:
        logger.error(
            "reminders: %d %s may not have been sent (sender stopped mid-send); see Reminders "
            "in the admin",
            count,
            model.__name__,
        )
    return count


def _claim(model, *, now: datetime, size: int) -> uuid.UUID | None:
    """Take up to ``size`` unsent rows for this sender; None when there are none left. Rows
    another sender claimed in between are simply not ours (the UPDATE re-checks)."""
    token = uuid.uuid4()
    with transaction.atomic():
        _interrupted_mark(model, now=now)
        ids = list(_pending(model, now).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return None
        _pending(model, now).filter(pk__in=ids).update(
            claim=token, claimed_until=timezone.now() + LEASE, sending_at=None
        )
    return token


def _backoff(attempts: int) -> timedelta:
    return BACKOFF * 4 ** (attempts - 1)


def _mark_failed(model, row, token, *, error: str, now: datetime, final: bool = False) -> None:
    attempts = MAX_ATTEMPTS if final else row.attempts + 1
    model.objects.filter(pk=row.pk, claim=token).update(
        attempts=attempts,
        next_try_at=now + _backoff(attempts),
        last_error=error[:2000],
        claim=None,
        claimed_until=None,
        sending_at=None,
    )


#: Errors after which the message was certainly not accepted: the server answered with a
#: refusal, or the connection was refused before anything was sent. Any other error while
#: sending (a timeout, a connection lost mid-message) leaves the message's fate unknown.
REFUSED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, ConnectionRefusedError)


def _sending_mark(model, row, token) -> bool:
    """Record, and commit, that this row's message is being handed to the mail server now;
    False when the row is no longer ours (its claim expired and another sender took it)."""
    with transaction.atomic():
        return bool(
            model.objects.filter(pk=row.pk, claim=token, sent_at__isnull=True).update(
                sending_at=timezone.now()
            )
        )


def _sent_mark(model, row, token) -> None:
    with transaction.atomic():
        sent_at = timezone.now()
        model.objects.filter(pk=row.pk, claim=token).update(
            sent_at=sent_at, claim=None, claimed_until=None, last_error=""
        )
        if model is Digest:
            row.entries.filter(sent_at__isnull=True, skipped_at__isnull=True).update(
                sent_at=sent_at
            )


def batch_recheck(model, token, *, today: date, now: datetime) -> tuple[int, set[int]]:
    """Re-check a claimed batch before sending it (a skipped row is no longer claimed); returns
    how many rows of the batch were skipped and, for digests, the entries to leave out.

    A reminder whose reason is gone is skipped. A digest leaves out its entries whose reason
    is gone; a digest with none left is skipped (with its entries' reason when they share
    one)."""
    if model is ReminderLog:
        skipped = logs_recheck(ReminderLog.objects.filter(claim=token), today=today, now=now)
        return len(skipped), set()
    Through = Digest.entries.through
    entries = Through.objects.filter(digest__claim=token, reminderlog__skipped_at__isnull=True)
    pairs = list(entries.values_list("digest_id", "reminderlog_id"))
    gone = logs_recheck(
        ReminderLog.objects.filter(pk__in={log_id for _digest_id, log_id in pairs}),
        today=today,
        now=now,
    )
    left, reasons = defaultdict(int), defaultdict(set)
    for digest_id, log_id in pairs:
        if log_id in gone:
            reasons[digest_id].add(gone[log_id])
        else:
            left[digest_id] += 1
    empty = {}
    for digest_id in model.objects.filter(claim=token).values_list("pk", flat=True):
        if not left[digest_id]:
            shared = reasons[digest_id]
            empty[digest_id] = shared.pop() if len(shared) == 1 else SkipReason.NOTHING_LEFT
    _skip(Digest, empty, now=now)
    return len(empty), set(gone)


def outbox_send(
    *, now: datetime | None = None, batch_size: int = 200, limit: int | None = None
) -> SendResult:
    """Send what the outbox holds and is due, in batches over one mail connection (at most
    ``limit`` batches' worth when given; the rest waits for the next run).

    Each message is sent at most once: its row is marked "sending" (committed) before the
    message is handed to the mail server and "sent" after the server accepted it. A sender that
    dies in between leaves the row "sending"; the next sender, once the claim has expired,
    marks it "may not have been sent" for OEI to check rather than sending it again. Each
    message carries a Message-ID made from the row's unique key, so a server or a mail client
    can recognise a copy OEI chose to send again.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SendResult()
    links = emails.Links()
    with get_connection() as connection:
        for model in (ReminderLog, Digest):
            while (token := _claim(model, now=now, size=batch_size)) is not None:
                if limit is not None and result.sent + result.failed >= limit:
                    model.objects.filter(claim=token).update(claim=None, claimed_until=None)
                    break
                not_needed, left_out = batch_recheck(model, token, today=today, now=now)
                result.not_needed += not_needed
                rows = emails.claimed_rows(model, token)
                for index, row in enumerate(rows):
                    try:
                        message = emails.message_for(
                            row, connection=connection, links=links, left_out=left_out
                        )
                    except emails.NotSendable as reason:
                        _mark_failed(model, row, token, error=str(reason), now=now, final=True)
                        result.skipped += 1
                        continue
                    if not _sending_mark(model, row, token):
                        continue
                    try:
                        connection.send_messages([message])
                    except REFUSED as error:
                        logger.warning("reminder %s %s not sent: %s", model.__name__, row.pk, error)
                        _mark_failed(model, row, token, error=repr(error), now=now)
                        result.failed += 1
                        continue
                    except Exception as error:  # noqa: BLE001 - the message's fate is unknown
                        logger.error(
                            "reminder %s %s may not have been sent: %s",
                            model.__name__,
                            row.pk,
                            error,
                        )
                        model.objects.filter(pk=row.pk, claim=token).update(
                            uncertain=True,
                            claim=None,
                            claimed_until=None,
                            last_error=repr(error)[:2000],
                        )
                        result.uncertain += 1
                        # The connection is in an unknown state: the rest waits for the next run.
                        model.objects.filter(pk__in=[r.pk for r in rows[index + 1 :]]).filter(
                            claim=token
                        ).update(claim=None, claimed_until=None)
                        return result
                    _sent_mark(model, row, token)
                    result.sent += 1
    if result.failed:
        logger.error("reminders: %d sends failed; see Reminders in the admin", result.failed)
    return result


def failures() -> QuerySet[ReminderLog]:
    """Reminders that could not be sent (yet), or may not have been: what OEI sees in the
    admin."""
    return ReminderLog.objects.filter(sent_at__isnull=True, skipped_at__isnull=True).filter(
        Q(attempts__gt=0) | Q(uncertain=True)
    )


@transaction.atomic
def outbox_send_again(row, *, by) -> None:
    """OEI checked a row that may not have been sent (or that failed for good) and wants it
    sent again: it goes back to the outbox, with the same Message-ID."""
    model = type(row)
    updated = model.objects.filter(pk=row.pk, sent_at__isnull=True, skipped_at__isnull=True).update(
        uncertain=False,
        sending_at=None,
        attempts=0,
        next_try_at=None,
        last_error="",
        claim=None,
        claimed_until=None,
    )
    if updated:
        audit_record(
            instance=row,
            action="lms.reminders.send_again",
            user=by,
            data={"model": model.__name__, "pk": row.pk},
        )


# --- Preferences -----------------------------------------------------------------------------


@transaction.atomic
def reminder_preference_set(*, employee: Employee, delivery: str) -> ReminderPreference:
    """Single emails or a weekly digest; the change applies to reminders logged from now on."""
    preference, _created = ReminderPreference.objects.get_or_create(employee=employee)
    preference.delivery = delivery
    preference.full_clean()
    preference.save()
    # Reminders logged but not sent yet follow the new choice too.
    ReminderLog.objects.filter(
        employee=employee,
        sent_at__isnull=True,
        delivery__in=(Delivery.SINGLE, Delivery.WEEKLY),
        digests__isnull=True,
    ).update(delivery=delivery)
    return preference


# --- Schedules -------------------------------------------------------------------------------

SCAN_SCHEDULE = "reminders: daily scan"
SEND_SCHEDULE = "reminders: send pending"
SYNC_SCHEDULE = "compliance: daily assignments sync"


def _next_local(hour: int, minute: int) -> datetime:
    now = timezone.localtime()
    moment = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return moment if moment > now else moment + timedelta(days=1)


def schedules_ensure(apps=None) -> None:
    """Create the django-q2 schedules if they are missing (idempotent; run by a migration).

    The assignment sync runs first, so a requirement whose active-from date is today is
    assigned before the reminder scan looks at it.
    """
    if apps is None:
        from django_q.models import Schedule
    else:
        Schedule = apps.get_model("django_q", "Schedule")
    wanted = [
        (
            SYNC_SCHEDULE,
            "lms.reminders.tasks.assignments_sync_daily",
            "D",
            None,
            _next_local(5, 30),
        ),
        (SCAN_SCHEDULE, "lms.reminders.tasks.reminder_scan_daily", "D", None, _next_local(6, 0)),
        (SEND_SCHEDULE, "lms.reminders.tasks.reminders_send_pending", "I", 10, _next_local(6, 10)),
    ]
    for name, func, schedule_type, minutes, next_run in wanted:
        Schedule.objects.get_or_create(
            name=name,
            defaults={
                "func": func,
                "schedule_type": schedule_type,
                "minutes": minutes,
                "repeats": -1,
                "next_run": next_run,
            },
        )
