"""Reads for reminders, scoped to the requesting user."""

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from lms.compliance.selectors import Status
from lms.organisation.models import Employee
from lms.reminders.models import Delivery, Digest, ReminderLog, ReminderPreference

#: Notices on "My training" show reminders logged this recently.
NOTICE_DAYS = 30


def preference_of(*, employee: Employee) -> str:
    preference = ReminderPreference.objects.filter(employee=employee).first()
    return preference.delivery if preference else Delivery.SINGLE


def notices_for(*, user, assignments, today: date | None = None) -> list[ReminderLog]:
    """The latest reminder of each of the user's own open assignments (``assignments`` as
    "My training" lists them, with their status), the newest first.

    No upper bound on the scan date: a day run ahead by hand (``send_reminders --date``) sent
    its emails, and the notices show what those emails said.

    A reminder about a due date an extension has since moved is not shown: its date is no
    longer the one to meet, and the new date's reminders are logged on their own milestones."""
    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    open_ids = {a.pk for a in assignments if a.status not in Status.NOTHING_OWED}
    if not open_ids:
        return []
    due_on = {a.pk: getattr(a, "effective_due_on", None) for a in assignments}
    about_due_date = (ReminderLog.Kind.BEFORE_DUE, ReminderLog.Kind.DUE, ReminderLog.Kind.OVERDUE)
    logs = (
        ReminderLog.objects.filter(
            employee__user=user,
            assignment_id__in=open_ids,
            kind__in=ReminderLog.EMPLOYEE_KINDS,
            scan_date__gte=today - timedelta(days=NOTICE_DAYS),
        )
        .select_related("assignment__requirement__course")
        .order_by("-period", "-pk")
    )
    latest: dict[int, ReminderLog] = {}
    for log in logs:
        current = due_on[log.assignment_id]
        if log.kind in about_due_date and current is not None and log.due_on != current:
            continue
        latest.setdefault(log.assignment_id, log)
    return list(latest.values())


def _to_check(model) -> QuerySet:
    """Unsent rows that may not have been sent, or whose sending failed: the first first."""
    return (
        model.objects.filter(sent_at__isnull=True, skipped_at__isnull=True)
        .filter(Q(uncertain=True) | Q(attempts__gt=0))
        .order_by("-uncertain", "-scan_date", "pk")
    )


def outbox_to_check() -> tuple[list[ReminderLog], list[Digest]]:
    """What OEI checks (callers check that the user may see it): reminders and digests that
    may not have been sent or could not be."""
    reminders = _to_check(ReminderLog).select_related("employee__user", "assignment__requirement")[
        :500
    ]
    digests = _to_check(Digest).select_related("recipient")[:500]
    return list(reminders), list(digests)
