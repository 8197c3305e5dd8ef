"""Writes of the standing aggregates: the OEI dashboard's and the progress report's counts per
(department, requirement), kept current so that reading them costs the same for a city of any
size (docs/aggregates.md).

- :func:`standing_recompute` recomputes the pairs it is given from ``with_status`` (the one
  rule of what an assignment's status is: nothing here repeats it) and the dashboard's
  completion column, as the live figures would count them now;
- compliance's services send ``lms.compliance.events.standing_changed`` when they change an
  assignment's facts; :func:`standing_changed_later` (connected in ``receivers.py``)
  recomputes those pairs when the transaction commits;
- the daily schedule (``tasks.standing_refresh_daily``) and ``manage.py recompute_aggregates``
  recompute everything, for the date-driven transitions (due soon, overdue, expired, an
  update's due date passing).

The clock also moves standings within a day (a completion expires at the instant it was
recorded, months later). So each pair's standings are computed twice, now and at the last
instant of the day: the assignments whose standing differs are left out of the counts and
kept in ``volatile``, to be counted live by the readers (``selectors.aggregated``); the others
cannot change before midnight, because a standing only moves forward with time.
"""

import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import with_status
from lms.reports.models import StandingAggregate, StandingRefresh
from lms.reports.selectors.figures import Counts, with_completion
from lms.reports.selectors.scope import ReportFilters, requirements_with_cycles
from lms.reports.selectors.trends import history_query, trend_weeks, weeks_from_rows


def day_end(today: date) -> datetime:
    """The last instant of the local day ``today``."""
    midnight = datetime.combine(today + timedelta(days=1), time.min)
    return timezone.make_aware(midnight) - timedelta(microseconds=1)


def _standings(assignments, *, cycles, today: date, now: datetime):
    """(pk, department, requirement, status, completion) of each assignment at ``now``."""
    return (
        with_completion(
            with_status(assignments, requirements=cycles, today=today, now=now), now=now
        )
        .order_by()
        .values_list("pk", "employee__department_id", "requirement_id", "status", "completion")
        .iterator(chunk_size=5000)
    )


@transaction.atomic
def standing_recompute(
    *,
    department_ids: Iterable[int] | None = None,
    requirement_ids: Iterable[int] | None = None,
    now: datetime | None = None,
    refresh: bool = False,
) -> int:
    """Recompute the aggregates of the pairs ``department_ids`` x ``requirement_ids`` (None:
    every one) as they stand at ``now``; return how many pairs hold assignments.

    ``refresh`` (every pair: the daily schedule, ``recompute_aggregates``) records the refresh
    that lets readers use the aggregates until the end of the day."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    later = day_end(today)
    cycles = requirements_with_cycles()
    scope = Assignment.objects.filter(is_active=True, employee__is_active=True)
    old = StandingAggregate.objects.all()
    if department_ids is not None:
        department_ids = list(department_ids)
        scope = scope.filter(employee__department_id__in=department_ids)
        old = old.filter(department_id__in=department_ids)
    if requirement_ids is None:
        requirement_ids = list(TrainingRequirement.objects.values_list("pk", flat=True))
    else:
        requirement_ids = list(requirement_ids)
        old = old.filter(requirement_id__in=requirement_ids)
    weeks = trend_weeks(ReportFilters(), today=today)
    week_keys = [monday.isoformat() for monday in weeks]
    aggregates: list[StandingAggregate] = []
    # One requirement at a time, so memory stays that of one requirement's assignments.
    for requirement_id in requirement_ids:
        assignments = scope.filter(requirement_id=requirement_id)
        at_day_end = {
            pk: (status, completion)
            for pk, _d, _r, status, completion in _standings(
                assignments, cycles=cycles, today=today, now=later
            )
        }
        counts: dict[int, Counts] = defaultdict(Counts)
        volatile: dict[int, list[int]] = defaultdict(list)
        for pk, department_id, _r, status, completion in _standings(
            assignments, cycles=cycles, today=today, now=now
        ):
            if at_day_end.get(pk) == (status, completion):
                counts[department_id].add(status=status, completion=completion, count=1)
            else:
                volatile[department_id].append(pk)
        history: dict[int, list[dict]] = defaultdict(list)
        replayed = with_status(assignments, requirements=cycles, today=today, now=now)
        for row in history_query(replayed, by=("employee__department_id",)):
            history[row["employee__department_id"]].append(row)
        for department_id in set(counts) | set(volatile):
            cell = counts[department_id]
            replay = weeks_from_rows(weeks, completion_rows=[], history_rows=history[department_id])
            aggregates.append(
                StandingAggregate(
                    department_id=department_id,
                    requirement_id=requirement_id,
                    computed_at=now,
                    valid_on=today,
                    volatile=sorted(volatile[department_id]),
                    weeks={
                        key: [week.assigned, week.compliant]
                        for key, week in zip(week_keys, replay, strict=True)
                    },
                    **{name: getattr(cell, name) for name in StandingAggregate.COUNTS},
                )
            )
    old.delete()
    StandingAggregate.objects.bulk_create(aggregates, batch_size=500)
    if refresh:
        every = TrainingRequirement.objects.count()
        if department_ids is not None or len(requirement_ids) != every:
            raise ValueError("Only a recomputation of every pair is a refresh.")
        StandingRefresh.objects.update_or_create(
            pk=1, defaults={"finished_at": now, "valid_on": today}
        )
    return len(aggregates)


# --- Recomputing what the services changed, when their transaction commits -------------------

_pending = threading.local()


def standing_changed_later(
    *, department_ids: frozenset | None, requirement_ids: frozenset | None
) -> None:
    """Recompute these pairs once the current transaction commits (at once outside one).
    The scopes of one transaction are merged, so a roster import recomputes once."""
    scopes = getattr(_pending, "scopes", None)
    if scopes is None:
        scopes = _pending.scopes = []
    scopes.append((department_ids, requirement_ids))
    transaction.on_commit(_pending_recompute)


def _pending_recompute() -> None:
    scopes = getattr(_pending, "scopes", None) or []
    _pending.scopes = []
    if not scopes:
        return
    departments: set | None = set()
    requirements: set | None = set()
    for department_ids, requirement_ids in scopes:
        if department_ids is None or departments is None:
            departments = None
        else:
            departments |= department_ids
        if requirement_ids is None or requirements is None:
            requirements = None
        else:
            requirements |= requirement_ids
    if departments is not None and not departments or requirements is not None and not requirements:
        return
    standing_recompute(department_ids=departments, requirement_ids=requirements)
