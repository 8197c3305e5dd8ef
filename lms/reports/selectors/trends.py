"""Trends: completions week by week and what the trend's text summary says."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    QuerySet,
    When,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from courses.models import Completion
from lms.compliance.models import Assignment, TrainingRequirement
from lms.figures import percent
from lms.organisation.dates import add_months
from lms.reports.selectors.aggregated import aggregated_completions, aggregated_weeks
from lms.reports.selectors.scope import (
    DEFAULT_WEEKS,
    MAX_WEEKS,
    ReportFilters,
    citywide_assignments,
)


@dataclass
class Week:
    start: date
    completions: int = 0
    assigned: int = 0
    compliant: int = 0

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def percent_compliant(self) -> int | None:
        return percent(self.compliant, self.assigned)


def trend_weeks(filters: ReportFilters, *, today: date | None = None) -> list[date]:
    """The Mondays of the weeks the trend shows: the filters' period, else the last 12 weeks."""
    today = today or timezone.localdate()
    end = filters.date_to or today
    start = filters.date_from or end - timedelta(weeks=DEFAULT_WEEKS - 1)
    start -= timedelta(days=start.weekday())
    start = max(start, end - timedelta(weeks=MAX_WEEKS - 1))
    start -= timedelta(days=start.weekday())
    weeks = []
    while start <= end:
        weeks.append(start)
        start += timedelta(weeks=1)
    return weeks


def completed_in(weeks: list[date]) -> QuerySet:
    """The completions the trend counts over ``weeks``, of any department: of active employees,
    of a course some requirement uses, completed within the weeks. The live trend narrows them
    to active departments (:func:`completions_query`); the aggregates keep every department and
    their readers narrow them the same way."""
    # The weeks as a range of instants, in the zone TruncDate uses: compared as stored, without
    # converting every completion's time to a local date first (a Python function per row on
    # SQLite).
    zone = timezone.get_current_timezone()
    return Completion.objects.filter(
        completed_at__gte=datetime.combine(weeks[0], time.min, tzinfo=zone),
        completed_at__lt=datetime.combine(weeks[-1] + timedelta(weeks=1), time.min, tzinfo=zone),
        employee__is_active=True,
        course_id__in=TrainingRequirement.objects.values("course_id"),
    )


def per_day(completions: QuerySet, *, by: tuple[str, ...] = ()) -> QuerySet:
    """Completions counted per local day (also ``by`` these fields)."""
    return (
        completions.order_by()
        .annotate(day=TruncDate("completed_at"))
        .values(*by, "day")
        .annotate(count=Count("pk"))
    )


def completions_query(filters: ReportFilters, *, weeks: list[date]) -> QuerySet:
    """Completions per local day over the weeks, of the filters' department and course."""
    completions = completed_in(weeks).filter(employee__department__is_active=True)
    if filters.department is not None:
        completions = completions.filter(employee__department=filters.department)
    if filters.requirement is not None:
        completions = completions.filter(course_id=filters.requirement.course_id)
    return per_day(completions)


def week_of(day: date) -> date:
    """The Monday of ``day``'s week: the key of the week it is counted in."""
    return day - timedelta(days=day.weekday())


def history_query(assignments: QuerySet[Assignment], *, by: tuple[str, ...] = ()) -> QuerySet:
    """When each assignment was made, first became compliant (its first completion) and last
    completed (any edition), and, for a holder of a superseded edition, the update's due date
    (``updates_by``), grouped (also ``by`` these fields): enough to replay % compliant at the end
    of any week."""
    return (
        assignments.order_by()
        .annotate(
            since=TruncDate("first_completed_at"),
            last=TruncDate("latest_completed_at"),
            lapses=TruncDate("latest_expires_at"),
            updates_by=Case(
                When(
                    latest_completion_edition__lt=F("requirement__course__edition"),
                    then=F("effective_due_on"),
                ),
                output_field=DateField(),
            ),
        )
        .values(*by, "requirement_id", "assigned_on", "since", "last", "lapses", "updates_by")
        .annotate(count=Count("pk"))
    )


def weeks_from_rows(
    weeks: list[date], *, completion_rows: Iterable[dict], history_rows: Iterable[dict]
) -> list[Week]:
    """Bucket daily completions into weeks, and replay compliance at each week's end: an
    assignment counts from its first completion until its latest one lapses (its own expiry
    or its requirement's cycle) or, when a new edition superseded it, until the update's due
    date has passed (as ``with_status``'s UPDATE_DUE). Exemptions are not replayed: they
    count in today's figures."""
    result = [Week(start=monday) for monday in weeks]
    index = {monday: n for n, monday in enumerate(weeks)}
    for row in completion_rows:
        monday = week_of(row["day"])
        if monday in index:
            result[index[monday]].completions += row["count"]
    cycles = dict(
        TrainingRequirement.objects.filter(recertify_months__isnull=False).values_list(
            "pk", "recertify_months"
        )
    )
    ends = [week.end for week in result]
    for row in history_rows:
        lapses = row["lapses"]
        if row["last"] is not None and row["requirement_id"] in cycles:
            cycle_end = add_months(row["last"], cycles[row["requirement_id"]])
            lapses = min(lapses, cycle_end) if lapses else cycle_end
        if row.get("updates_by") is not None:
            # Compliant up to and including the update's due date.
            overdue_from = row["updates_by"] + timedelta(days=1)
            lapses = min(lapses, overdue_from) if lapses else overdue_from
        for n, end in enumerate(ends):
            if row["assigned_on"] > end:
                continue
            result[n].assigned += row["count"]
            since = row["since"]
            if since is not None and since <= end and (lapses is None or end < lapses):
                result[n].compliant += row["count"]
    return result


def citywide_trend(
    *, user, filters: ReportFilters | None = None, today: date | None = None
) -> list[Week]:
    """Weekly completions and % compliant at the end of each week, for OEI."""
    filters = filters or ReportFilters()
    assignments = citywide_assignments(user=user, filters=_without_dates(filters), today=today)
    return trend_of(assignments, filters, today=today)


def trend_of(assignments, filters: ReportFilters, *, today: date | None = None) -> list[Week]:
    """The trend of ``assignments`` (those of the filters' department and requirement): the
    replay and the completions per week from the aggregates when they keep the weeks shown
    (today), else live."""
    weeks = trend_weeks(filters, today=today)
    kept = None
    if today is None or today == timezone.localdate():
        kept = aggregated_weeks(filters, weeks=weeks)
    if kept is not None:
        completed = aggregated_completions(filters, weeks=weeks)
        if completed is None:
            result = weeks_from_rows(
                weeks, completion_rows=completions_query(filters, weeks=weeks), history_rows=[]
            )
        else:
            result = [Week(start=monday, completions=count) for monday, count in completed]
        for week, (assigned, compliant) in zip(result, kept, strict=True):
            week.assigned, week.compliant = assigned, compliant
        return result
    return weeks_from_rows(
        weeks,
        completion_rows=completions_query(filters, weeks=weeks),
        history_rows=history_query(assignments),
    )


def _without_dates(filters: ReportFilters) -> ReportFilters:
    """The trend replays every assignment; its dates choose the weeks shown."""
    return ReportFilters(department=filters.department, requirement=filters.requirement)


def weekly_summary(weeks: list[Week]) -> dict:
    """The numbers the trend's text summary says."""
    completions = sum(week.completions for week in weeks)
    busiest = max(weeks, key=lambda w: w.completions) if weeks else None
    return {
        "completions": completions,
        "busiest": busiest,
        "first": weeks[0] if weeks else None,
        "last": weeks[-1] if weeks else None,
    }
