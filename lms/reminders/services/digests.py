"""Gathering outbox rows into digests: the weekly digests of employees who chose them, and the
escalations for the liaisons and OEI."""

from collections import defaultdict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from lms.organisation.models import Liaison
from lms.reminders.models import (
    Delivery,
    Digest,
    ReminderLog,
    ReminderPolicy,
)
from lms.reminders.services.recheck import logs_recheck

#: Escalations are gathered into digests for this long after they were logged.
DIGEST_LOOKBACK = timedelta(days=14)


Kind = ReminderLog.Kind


def _oei_users() -> QuerySet:
    perm = Q(codename="view_citywide_reports", content_type__app_label="organisation")
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


def _supervisor_copies(recent: QuerySet, *, today: date, since: date) -> int:
    """Issue 19: copy each escalation to the liaisons to the employee's supervisor (from the
    HR roster, active, with an active account), in a digest of their own; once each, as the
    liaisons' (``_escalations_owed``: a supervisor named later is not told what another was)."""
    escalated = recent.filter(
        kind=Kind.LIAISON,
        employee__supervisor__is_active=True,
        employee__supervisor__user__is_active=True,
    ).values_list("pk", "scan_date", "employee__supervisor__user_id")
    pairs = _escalations_owed(
        [(log_id, day, [(user_id, None)]) for log_id, day, user_id in escalated],
        kind=Digest.Kind.SUPERVISOR,
        since=since,
    )
    return _attach(Digest.Kind.SUPERVISOR, today, pairs)


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
    if ReminderPolicy.load().copy_supervisors:
        created += _supervisor_copies(recent, today=today, since=since)

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
