"""The liaisons' reminders: a "send reminder" request (``compliance.ReminderRequest``) is
carried out by the outbox, as a digest of kind NUDGE with one row per open assignment."""

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from lms.compliance.models import Assignment, ReminderRequest, TrainingRequirement
from lms.compliance.selectors import Status, with_status
from lms.reminders.models import (
    Delivery,
    Digest,
    ReminderLog,
    SkipReason,
)
from lms.reminders.services.digests import _attach
from lms.reminders.services.recheck import _skip
from lms.reminders.services.scan import LogRow, log_rows_insert

#: A liaison's request not in the outbox after this long (left by the old path) is not sent.
NUDGE_LOOKBACK = timedelta(days=2)


Kind = ReminderLog.Kind


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
            .exclude(status__in=Status.NOTHING_OWED)
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
