"""Re-checking an outbox row against the assignment's status now: nothing is sent whose
reason is gone (``SkipReason``). Used by the digests and by sending."""

from collections import defaultdict
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import Status, with_status
from lms.organisation.dates import expiry
from lms.reminders.models import (
    ReminderLog,
    SkipReason,
)

Kind = ReminderLog.Kind


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
    counts and that due date is still the one to meet (a holder of a superseded edition,
    UPDATE_DUE, owes the update by it); a refresher while the completion it is about is the
    latest; a liaison's reminder while the assignment owes something (as when it was asked
    for, ``nudges_log``) and its due date was not extended."""
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
        expires = expires_at or expiry(completed_at, months)
        if expires is None or timezone.localdate(expires) > due_on:
            return SkipReason.COMPLETED  # recertified since, or no longer expires
        return None
    # A holder of a superseded edition (UPDATE_DUE) still owes the update by its due date.
    if status in Status.NOTHING_OWED:
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
