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
from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import with_status
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
)

logger = logging.getLogger(__name__)

#: A sender that claimed rows and died lets another take them after this long.
LEASE = timedelta(minutes=15)
#: Failed sends are retried MAX_ATTEMPTS times, waiting BACKOFF x 4^(attempts - 1) in between.
BACKOFF = timedelta(minutes=5)
#: Escalations are gathered into digests for this long after they were logged.
DIGEST_LOOKBACK = timedelta(days=14)

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
    weekly = ReminderLog.objects.filter(
        delivery=Delivery.WEEKLY,
        sent_at__isnull=True,
        scan_date__lt=monday,
        digests__isnull=True,
    ).values_list("employee__user_id", "pk")
    created += _attach(Digest.Kind.WEEKLY, monday, list(weekly))

    since = today - DIGEST_LOOKBACK
    recent = ReminderLog.objects.filter(scan_date__gte=since)

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


LOG_COLUMNS = (*LogRow._fields, "scan_date", "created_at", "attempts", "last_error", "uncertain")


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


# --- Sending ---------------------------------------------------------------------------------


def _pending(model, now: datetime) -> QuerySet:
    pending = model.objects.filter(
        sent_at__isnull=True, uncertain=False, attempts__lt=MAX_ATTEMPTS
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
            row.entries.filter(sent_at__isnull=True).update(sent_at=sent_at)


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
    result = SendResult()
    links = emails.Links()
    with get_connection() as connection:
        for model in (ReminderLog, Digest):
            while (token := _claim(model, now=now, size=batch_size)) is not None:
                if limit is not None and result.sent + result.failed >= limit:
                    model.objects.filter(claim=token).update(claim=None, claimed_until=None)
                    break
                rows = emails.claimed_rows(model, token)
                for index, row in enumerate(rows):
                    try:
                        message = emails.message_for(row, connection=connection, links=links)
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
    return ReminderLog.objects.filter(sent_at__isnull=True).filter(
        Q(attempts__gt=0) | Q(uncertain=True)
    )


@transaction.atomic
def outbox_send_again(row, *, by) -> None:
    """OEI checked a row that may not have been sent (or that failed for good) and wants it
    sent again: it goes back to the outbox, with the same Message-ID."""
    model = type(row)
    updated = model.objects.filter(pk=row.pk, sent_at__isnull=True).update(
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
