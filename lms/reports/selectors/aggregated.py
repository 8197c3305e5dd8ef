"""Reading the standing aggregates (written by ``lms.reports.aggregates``): the dashboard's
counts by (department, requirement), the trend's weeks and its completions per week, at a cost
that does not grow with the number of assignments or completions. Each reader returns None
when the aggregates cannot answer exactly (not refreshed today, a period filter on the
assignment date, weeks not kept), and the caller (``figures.citywide_figures``,
``trends.trend_of``) computes live: never a stale figure."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from lms.compliance.models import TrainingRequirement
from lms.organisation.models import Department
from lms.reports.models import (
    CertificateAggregate,
    CompletionAggregate,
    StandingAggregate,
    StandingRefresh,
)
from lms.reports.selectors.scope import ReportFilters


def _refreshed(today: date, now: datetime) -> bool:
    """Every aggregate was recomputed together on ``today``, before ``now``."""
    return StandingRefresh.objects.filter(valid_on=today, finished_at__lte=now).exists()


def _aggregates(filters: ReportFilters, *, now: datetime) -> list[StandingAggregate] | None:
    if filters.date_from is not None or filters.date_to is not None:
        return None  # counted by assignment date: live
    today = timezone.localdate(now)
    if not _refreshed(today, now):
        return None
    aggregates = StandingAggregate.objects.filter(department__is_active=True)
    if filters.department is not None:
        aggregates = aggregates.filter(department=filters.department)
    if filters.requirement is not None:
        aggregates = aggregates.filter(requirement=filters.requirement)
    rows = list(aggregates)
    if any(row.valid_on != today or row.computed_at > now for row in rows):
        return None
    return rows


@dataclass
class AggregatedCells:
    #: ``{(department id, requirement id): {count name: value}}``, the volatile left out.
    cells: dict[tuple[int, int], dict[str, int]]
    #: The assignments to count live (their standing moves today by the clock).
    volatile: list[int]


def aggregated_cells(
    filters: ReportFilters | None = None, *, now: datetime | None = None
) -> AggregatedCells | None:
    """The aggregates of the pairs the filters cover, or None when they cannot say at
    ``now``."""
    now = now or timezone.now()
    rows = _aggregates(filters or ReportFilters(), now=now)
    if rows is None:
        return None
    cells, volatile = {}, []
    for row in rows:
        cells[(row.department_id, row.requirement_id)] = {
            name: getattr(row, name) for name in StandingAggregate.COUNTS
        }
        volatile += row.volatile
    return AggregatedCells(cells=cells, volatile=volatile)


def aggregated_weeks(
    filters: ReportFilters, *, weeks: list[date], now: datetime | None = None
) -> list[tuple[int, int]] | None:
    """(assigned, compliant) at the end of each of ``weeks``, as ``trends.weeks_from_rows``
    replays them; None when the aggregates cannot say (weeks not kept among them)."""
    now = now or timezone.now()
    undated = ReportFilters(department=filters.department, requirement=filters.requirement)
    rows = _aggregates(undated, now=now)
    if rows is None:
        return None
    keys = [monday.isoformat() for monday in weeks]
    totals = [[0, 0] for _ in weeks]
    for row in rows:
        for total, key in zip(totals, keys, strict=True):
            if key not in row.weeks:
                return None
            assigned, compliant = row.weeks[key]
            total[0] += assigned
            total[1] += compliant
    return [(assigned, compliant) for assigned, compliant in totals]


def aggregated_completions(
    filters: ReportFilters, *, weeks: list[date], now: datetime | None = None
) -> list[tuple[date, int]] | None:
    """(Monday, completions that week) of each of ``weeks``, as ``trends.completions_query``
    counts them for the filters' department and requirement (the dates choose the weeks);
    None when the aggregates cannot say: not refreshed today, weeks not kept, or a (department,
    required course) that no recomputation has covered (a department made since)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not _refreshed(today, now):
        return None
    departments = Department.objects.filter(is_active=True)
    if filters.department is not None:
        departments = departments.filter(pk=filters.department.pk)
    if filters.requirement is not None:
        courses = {filters.requirement.course_id}
    else:
        courses = set(TrainingRequirement.objects.values_list("course_id", flat=True))
    department_ids = set(departments.values_list("pk", flat=True))
    rows = CompletionAggregate.objects.filter(
        department_id__in=department_ids, course_id__in=courses
    ).values_list("valid_on", "computed_at", "weeks")
    keys = [monday.isoformat() for monday in weeks]
    totals = [0 for _ in weeks]
    found = 0
    for valid_on, computed_at, kept in rows:
        if valid_on != today or computed_at > now:
            return None
        for n, key in enumerate(keys):
            if key not in kept:
                return None
            totals[n] += kept[key]
        found += 1
    if found != len(department_ids) * len(courses):
        return None  # some pair was never computed: live
    return list(zip(weeks, totals, strict=True))


@dataclass
class AggregatedCertificates:
    issued: int
    #: Valid until the end of the day.
    valid: int
    #: The certificates that expire today: to count live.
    volatile: list[int]


def aggregated_certificates(
    filters: ReportFilters, *, now: datetime | None = None
) -> AggregatedCertificates | None:
    """The certificates issued and valid of the filters' department and course (every
    department and course has its row once it has a certificate; the dates do not apply), or
    None when the aggregates cannot say at ``now``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not _refreshed(today, now):
        return None
    rows = CertificateAggregate.objects.all()
    if filters.department is not None:
        rows = rows.filter(department=filters.department)
    if filters.requirement is not None:
        rows = rows.filter(course_id=filters.requirement.course_id)
    total = AggregatedCertificates(issued=0, valid=0, volatile=[])
    for valid_on, computed_at, issued, valid, volatile in rows.values_list(
        "valid_on", "computed_at", "issued", "valid", "volatile"
    ):
        if valid_on != today or computed_at > now:
            return None
        total.issued += issued
        total.valid += valid
        total.volatile += volatile
    return total
