"""Writes of the standing aggregates: the OEI dashboard's and the progress report's counts per
(department, requirement), kept current so that reading them costs the same for a city of any
size (docs/aggregates.md).

- :func:`standing_recompute` recomputes the pairs it is given from ``with_status`` (the one
  rule of what an assignment's status is: nothing here repeats it) and the dashboard's
  completion column, as the live figures would count them now;
- with them, the trend's completions per week by (department, course)
  (``CompletionAggregate``, counted by ``trends.completed_in``) and the certificates issued
  and valid by (department, course) (``CertificateAggregate``, counted by
  ``figures.certificates_of``): the same query code as the live figures;
- compliance's services send ``lms.compliance.events.standing_changed`` when they change an
  assignment's facts, courses ``completion_recorded`` for every completion and certificates
  ``certificates_changed``; :func:`standing_changed_later` (connected in ``receivers.py``)
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

import json
import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import with_status
from lms.organisation.models import Department
from lms.queries import PreparedRead
from lms.reports.models import (
    CertificateAggregate,
    CompletionAggregate,
    StandingAggregate,
    StandingRefresh,
)
from lms.reports.selectors.figures import (
    Counts,
    certificate_valid,
    certificates_of,
    with_completion,
)
from lms.reports.selectors.scope import ReportFilters, requirements_with_cycles
from lms.reports.selectors.trends import (
    completed_in,
    history_query,
    per_day,
    trend_weeks,
    week_of,
    weeks_from_rows,
)


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
    course_ids: Iterable[int] = (),
    recount: bool = True,
    now: datetime | None = None,
    refresh: bool = False,
) -> int:
    """Recompute the aggregates of the pairs ``department_ids`` x ``requirement_ids`` (None:
    every one) as they stand at ``now``, and the trend's completions and the certificate counts
    of those departments in the requirements' courses (``recount``; False when only standings
    moved) and in ``course_ids``; return how many pairs hold assignments.

    ``refresh`` (every pair: the daily schedule, ``recompute_aggregates``) records the refresh
    that lets readers use the aggregates until the end of the day.

    One transaction, holding the departments' rows: two recomputations of the same department
    (two completions committed at once, a completion during the daily refresh) run one after
    the other, the second reading what the first wrote. (The transaction alone did not do it:
    under PostgreSQL's read committed the second one's delete waited for the first, then missed
    the rows the first had just inserted.) Run side by side, each deleted the
    old rows and inserted its own: the second insert broke the one-row-per-pair constraint (a
    500 for a learner whose completion was recorded) or left the first one's older counts."""
    if department_ids is not None:
        department_ids = list(department_ids)
    _departments_lock(department_ids)
    return _standing_recompute(
        department_ids=department_ids,
        requirement_ids=requirement_ids,
        course_ids=course_ids,
        recount=recount,
        now=now,
        refresh=refresh,
    )


def _departments_lock(department_ids: list[int] | None) -> None:
    """Hold the rows of ``department_ids`` (None: every department) until the transaction
    ends, in the order of their ids: two writers of one department's aggregates wait for each
    other and never deadlock. ``FOR NO KEY UPDATE`` on PostgreSQL: an employee added to the
    department meanwhile (a foreign key's ``KEY SHARE``) does not wait."""
    locked = Department.objects.select_for_update(no_key=True).order_by("pk")
    if department_ids is not None:
        locked = locked.filter(pk__in=department_ids)
    list(locked.values_list("pk", flat=True))


def _standing_recompute(
    *,
    department_ids: list[int] | None,
    requirement_ids: Iterable[int] | None,
    course_ids: Iterable[int],
    recount: bool,
    now: datetime | None,
    refresh: bool,
) -> int:
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
    requirement_ids_given = requirement_ids
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
    # The courses whose completions the trend counts: the requirements' (when their counts may
    # have moved), and those of ``course_ids`` that some requirement uses.
    courses = set()
    if recount:
        courses = set(
            TrainingRequirement.objects.filter(pk__in=requirement_ids).values_list(
                "course_id", flat=True
            )
        )
    course_ids = set(course_ids) - courses
    if course_ids:
        courses |= set(
            TrainingRequirement.objects.filter(course_id__in=course_ids).values_list(
                "course_id", flat=True
            )
        )
    everything = department_ids is None and requirement_ids_given is None and recount
    if courses or everything:
        _completions_recompute(
            department_ids=department_ids,
            course_ids=courses,
            everything=everything,
            weeks=weeks,
            now=now,
        )
    # Certificates count in every course; every department's when they may have moved (a
    # transfer is only known as every department of the requirements synced).
    if recount or course_ids:
        _certificates_recompute(
            department_ids=department_ids,
            course_ids=None if department_ids is None and recount else courses | course_ids,
            now=now,
        )
    if refresh:
        every = TrainingRequirement.objects.count()
        if department_ids is not None or len(requirement_ids) != every:
            raise ValueError("Only a recomputation of every pair is a refresh.")
        StandingRefresh.objects.update_or_create(
            pk=1, defaults={"finished_at": now, "valid_on": today}
        )
    return len(aggregates)


def _completions_recompute(
    *,
    department_ids: list[int] | None,
    course_ids: Iterable[int],
    everything: bool,
    weeks: list[date],
    now: datetime,
) -> None:
    """The trend's completions per week of ``department_ids`` (None: every one) in the
    required courses among ``course_ids``, counted by ``trends.completed_in`` and ``per_day``
    as the live trend counts them. Every (department, course) gets its row, zeros included;
    every department, active or not (the readers leave out the inactive ones, as the live
    trend does, so a department reactivated needs no recomputation)."""
    course_ids = sorted(set(course_ids))
    departments = Department.objects.all()
    old = CompletionAggregate.objects.all()
    completions = completed_in(weeks).filter(course_id__in=course_ids)
    if department_ids is not None:
        departments = departments.filter(pk__in=department_ids)
        old = old.filter(department_id__in=department_ids)
        completions = completions.filter(employee__department_id__in=department_ids)
    if not everything:  # a refresh also clears the courses no longer required
        old = old.filter(course_id__in=course_ids)
    department_ids = list(departments.values_list("pk", flat=True))
    today = timezone.localdate(now)
    keys = {monday: monday.isoformat() for monday in weeks}
    counts = {
        (department_id, course_id): dict.fromkeys(keys.values(), 0)
        for department_id in department_ids
        for course_id in course_ids
    }
    for row in per_day(completions, by=("employee__department_id", "course_id")):
        key = keys.get(week_of(row["day"]))
        if key is not None:
            counts[(row["employee__department_id"], row["course_id"])][key] += row["count"]
    old.delete()
    CompletionAggregate.objects.bulk_create(
        [
            CompletionAggregate(
                department_id=department_id,
                course_id=course_id,
                computed_at=now,
                valid_on=today,
                weeks=kept,
            )
            for (department_id, course_id), kept in counts.items()
        ],
        batch_size=500,
    )


def _certificates_recompute(
    *, department_ids: list[int] | None, course_ids: set[int] | None, now: datetime
) -> None:
    """The certificates issued and valid of ``department_ids`` x ``course_ids`` (None: every
    one), counted from ``figures.certificates_of`` and ``certificate_valid`` as the live
    figures count them; those that expire before the day ends are left for the readers to
    count live (``volatile``)."""
    certificates = certificates_of()
    if certificates is None:
        return
    later = day_end(timezone.localdate(now))
    old = CertificateAggregate.objects.all()
    if department_ids is not None:
        certificates = certificates.filter(employee__department_id__in=department_ids)
        old = old.filter(department_id__in=department_ids)
    if course_ids is not None:
        certificates = certificates.filter(completion__course_id__in=course_ids)
        old = old.filter(course_id__in=course_ids)
    pair = ("employee__department_id", "completion__course_id")
    volatile: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, *key in (
        certificates.filter(certificate_valid(now))
        .exclude(certificate_valid(later))
        .order_by("pk")
        .values_list("pk", *pair)
    ):
        volatile[tuple(key)].append(pk)
    rows = (
        certificates.order_by()
        .values(*pair)
        .annotate(issued=Count("pk"), valid=Count("pk", filter=certificate_valid(later)))
    )
    aggregates = [
        CertificateAggregate(
            department_id=row["employee__department_id"],
            course_id=row["completion__course_id"],
            computed_at=now,
            valid_on=timezone.localdate(now),
            issued=row["issued"],
            valid=row["valid"],
            volatile=volatile[(row["employee__department_id"], row["completion__course_id"])],
        )
        for row in rows
    ]
    old.delete()
    CertificateAggregate.objects.bulk_create(aggregates, batch_size=500)


# --- Counting one completion or one certificate in the transaction that records it ---------
#
# The commonest events, a learner's completion and its certificate, add one to the counts they
# fall in rather than recounting the department's (issue 15: a quiz submission recounted its
# department's completions and certificates on commit). In the same transaction as the record,
# after the department's row is held: a recomputation of that department (which holds it too)
# runs wholly before or wholly after, and reads what was added or adds it itself.
#
# They run in every quiz submission, so their statements are built once per process: the reads
# by ``PreparedRead``, the two increments as plain SQL (an ORM update is built anew each time,
# about ten times the cost of running it).

_department_held = PreparedRead(
    Department,
    lambda department_id: (
        Department.objects.select_for_update(no_key=True).filter(pk=department_id).values_list("pk")
    ),
    department_id=-987_654_321,
)

_completion_weeks = PreparedRead(
    CompletionAggregate,
    lambda department_id, course_id: CompletionAggregate.objects.filter(
        department_id=department_id, course_id=course_id
    ).values_list("pk", "valid_on", "weeks"),
    department_id=-987_654_321,
    course_id=-987_654_322,
)

#: The increments, in plain SQL: the columns are those of the models (a test runs them on SQLite
#: and PostgreSQL).
_COMPLETION_WEEKS_SET = (
    "UPDATE reports_completionaggregate SET weeks = %s, "
    "computed_at = CASE WHEN computed_at > %s THEN computed_at ELSE %s END WHERE id = %s"
)
_CERTIFICATE_COUNTED = (
    "UPDATE reports_certificateaggregate SET issued = issued + 1, valid = valid + %s, "
    "computed_at = CASE WHEN computed_at > %s THEN computed_at ELSE %s END "
    "WHERE department_id = %s AND course_id = %s AND valid_on = %s"
)


def _department_hold(department_id: int) -> None:
    """Hold one department's row, as :func:`_departments_lock` does (on a database without row
    locks, SQLite, the writing transaction already excludes every other writer)."""
    if connection.features.has_select_for_update:
        _department_held.rows(department_id=department_id)


def completion_counted(*, completion, now: datetime | None = None) -> None:
    """Count one new completion in the trend's completions kept for its holder's department
    and course (``CompletionAggregate``): one more in the week of its local day, as
    ``trends.completed_in`` and ``per_day`` count it (completions of active employees, of a
    course some requirement uses). A pair without a row of today (a course no requirement
    uses, a department never computed, a row of an earlier day) is left as it is: the readers
    count it live until a recomputation covers it."""
    employee = completion.employee
    if not employee.is_active:
        return
    now = now or timezone.now()
    _department_hold(employee.department_id)
    rows = _completion_weeks.rows(
        department_id=employee.department_id, course_id=completion.course_id
    )
    if not rows:
        return
    ((pk, valid_on, weeks),) = rows
    if str(valid_on) != timezone.localdate(now).isoformat():  # (a date, or its text on SQLite)
        return
    weeks = json.loads(weeks) if isinstance(weeks, str) else weeks
    key = week_of(timezone.localdate(completion.completed_at)).isoformat()
    if key not in weeks:
        return
    weeks[key] += 1
    moment = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(
            _COMPLETION_WEEKS_SET,
            [
                CompletionAggregate._meta.get_field("weeks").get_db_prep_save(weeks, connection),
                moment,
                moment,
                pk,
            ],
        )


def certificate_counted(
    *, certificate, department_id: int, course_id: int, now: datetime | None = None
) -> None:
    """Count one certificate just issued in its holder's department's counts of its course
    (``CertificateAggregate``): issued, and valid until the day ends or, when it expires before,
    volatile, as :func:`_certificates_recompute` counts them. A pair without a row had none (a
    recomputation writes a row for every pair holding a certificate): it gets its row. A row
    of an earlier day is left for the next recomputation (the readers count live until then)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    _department_hold(department_id)
    valid = certificate.revoked_at is None and (
        certificate.expires_at is None or certificate.expires_at > day_end(today)
    )
    volatile = certificate.revoked_at is None and not valid and certificate.expires_at > now
    if not volatile:  # the usual case: one statement
        ops = connection.ops
        moment = ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.execute(
                _CERTIFICATE_COUNTED,
                [
                    int(valid),
                    moment,
                    moment,
                    department_id,
                    course_id,
                    ops.adapt_datefield_value(today),
                ],
            )
            if cursor.rowcount:
                return
    row = CertificateAggregate.objects.filter(
        department_id=department_id, course_id=course_id
    ).first()
    if row is None:
        row = CertificateAggregate(
            department_id=department_id, course_id=course_id, computed_at=now, valid_on=today
        )
    elif row.valid_on != today:
        return
    row.issued += 1
    row.valid += valid
    if volatile:
        row.volatile = [*row.volatile, certificate.pk]
    row.computed_at = max(row.computed_at, now)
    row.save()


# --- Recomputing what the services changed, when their transaction commits -------------------

_pending = threading.local()
logger = logging.getLogger(__name__)


def standing_changed_later(
    *,
    department_ids: frozenset | None,
    requirement_ids: frozenset | None,
    course_ids: frozenset = frozenset(),
    recount: bool = False,
) -> None:
    """Recompute these pairs, and the trend's completions and certificate counts of those
    departments in ``course_ids`` (and in the requirements' courses with ``recount``), once the
    current transaction commits (at once outside one). The scopes of one transaction are
    merged, so a roster import recomputes once.

    Scopes left by a transaction (or savepoint) that was rolled back, whose commit callback
    Django dropped, are dropped too: they would otherwise join the next commit's
    recomputation."""
    scopes = getattr(_pending, "scopes", None)
    if scopes is None or not _recompute_registered():
        scopes = _pending.scopes = []
    scopes.append((department_ids, requirement_ids, course_ids, recount))
    transaction.on_commit(_pending_recompute)


def _recompute_registered() -> bool:
    """Whether the current transaction will run :func:`_pending_recompute` on commit."""
    connection = transaction.get_connection()
    return any(
        function is _pending_recompute for _ids, function, _robust in connection.run_on_commit
    )


def _pending_recompute() -> None:
    scopes = getattr(_pending, "scopes", None) or []
    _pending.scopes = []
    if not scopes:
        return
    departments: set | None = set()
    requirements: set | None = set()
    courses: set = set()
    recount = False
    for department_ids, requirement_ids, course_ids, asked in scopes:
        recount = recount or asked
        if department_ids is None or departments is None:
            departments = None
        else:
            departments |= department_ids
        if requirement_ids is None or requirements is None:
            requirements = None
        else:
            requirements |= requirement_ids
        courses |= course_ids
    if departments is not None and not departments:
        return
    if departments is not None and requirements is not None and not requirements | courses:
        return  # (every department: certificates may have moved, a sync of no requirement)
    try:
        standing_recompute(
            department_ids=departments,
            requirement_ids=requirements,
            course_ids=courses,
            recount=recount,
        )
    except DatabaseError:
        # The service's own transaction has committed: what the learner did is recorded. Rather
        # than a 500 (which would also drop the commit callbacks after this one, e.g. a
        # certificate's render) or counts that no longer agree, the aggregates are set aside:
        # every reader counts live until the next refresh (00:05, or recompute_aggregates).
        logger.exception(
            "The standing aggregates could not be recomputed; the dashboard counts live until "
            "the next refresh"
        )
        StandingRefresh.objects.all().delete()
