"""Citywide reads for OEI (EO §5): figures, the department and course tables, trends, item
analysis. Only users who may see citywide reports get anything here.

Every figure comes from a few set-based ``GROUP BY`` queries over
:func:`lms.compliance.selectors.with_status`, the one SQL ``CASE`` that says what an
assignment's status is, so the OEI dashboard, the liaison dashboard, exports and the progress
report can never disagree. Python only adds up the grouped rows.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    Max,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Completion, CoursePage, CoursePolicyReference, QuizAttempt
from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import Status, with_status
from lms.figures import percent
from lms.organisation.dates import add_months
from lms.organisation.models import Department, Liaison
from lms.organisation.selectors import can_see_citywide

#: "Expiring soon" on the dashboard: a completion that lapses within this many days.
EXPIRING_DAYS = 30
#: The trend shows this many weeks unless the filters say otherwise, and never more than MAX.
DEFAULT_WEEKS = 12
MAX_WEEKS = 104

# The completion column of the figures query: no completion, a completion, one expiring soon.
NO_COMPLETION, COMPLETION, EXPIRING = 0, 1, 2


@dataclass(frozen=True)
class ReportFilters:
    """What the dashboard and its exports are narrowed to. Dates: training assigned in the
    period counts, and the trend shows its weeks."""

    date_from: date | None = None
    date_to: date | None = None
    department: Department | None = None
    requirement: TrainingRequirement | None = None

    def as_record(self) -> dict:
        """The filters as an export records them."""
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "department": self.department.code if self.department else None,
            "requirement": self.requirement.pk if self.requirement else None,
        }


def check_access(user) -> None:
    """OEI only: anyone else is refused, whatever view, export or task asks."""
    if not can_see_citywide(user):
        raise PermissionDenied


def requirements_with_cycles() -> list[TrainingRequirement]:
    return list(TrainingRequirement.objects.filter(recertify_months__isnull=False))


def _scoped(assignments: QuerySet[Assignment], filters: ReportFilters) -> QuerySet[Assignment]:
    if filters.department is not None:
        assignments = assignments.filter(employee__department=filters.department)
    if filters.requirement is not None:
        assignments = assignments.filter(requirement=filters.requirement)
    if filters.date_from is not None:
        assignments = assignments.filter(assigned_on__gte=filters.date_from)
    if filters.date_to is not None:
        assignments = assignments.filter(assigned_on__lte=filters.date_to)
    return assignments


def all_assignments(
    filters: ReportFilters | None = None, *, today: date | None = None
) -> QuerySet[Assignment]:
    """Every active assignment of an active employee in an active department, with ``status``.

    Unscoped: for the monthly schedule, which drafts the report for OEI. Requests go through
    :func:`citywide_assignments`.
    """
    assignments = Assignment.objects.filter(
        is_active=True, employee__is_active=True, employee__department__is_active=True
    )
    assignments = _scoped(assignments, filters or ReportFilters())
    return with_status(assignments, requirements=requirements_with_cycles(), today=today)


def citywide_assignments(
    *, user, filters: ReportFilters | None = None, today: date | None = None
) -> QuerySet[Assignment]:
    """The assignments the OEI dashboard counts, as ``user`` may see them (OEI: all)."""
    check_access(user)
    return all_assignments(filters, today=today)


# --- Figures -----------------------------------------------------------------------------


def _completion_column(requirements: list[TrainingRequirement], now: datetime) -> Case:
    """0: no completion; 2: the latest completion lapses within EXPIRING_DAYS (its own expiry
    or the requirement's recertification cycle); 1: any other completion."""
    soon = now + timedelta(days=EXPIRING_DAYS)
    cycles = []
    for requirement in requirements:
        lapses_if_before = add_months(now, -requirement.recertify_months)
        cycles.append(
            When(
                requirement_id=requirement.pk,
                last_completed_at__gte=lapses_if_before,
                last_completed_at__lt=lapses_if_before + timedelta(days=EXPIRING_DAYS),
                then=Value(EXPIRING),
            )
        )
    return Case(
        When(last_completed_at__isnull=True, then=Value(NO_COMPLETION)),
        When(last_expires_at__gte=now, last_expires_at__lt=soon, then=Value(EXPIRING)),
        *cycles,
        default=Value(COMPLETION),
        output_field=IntegerField(),
    )


def figures_query(assignments: QuerySet[Assignment], *, now: datetime | None = None) -> QuerySet:
    """The one aggregate behind every figure: counts by department, requirement, status and
    completion column. (The benchmark times it alone as the baseline.)"""
    now = now or timezone.now()
    return (
        assignments.order_by()
        .annotate(completion=_completion_column(requirements_with_cycles(), now))
        .values("employee__department_id", "requirement_id", "status", "completion")
        .annotate(count=Count("pk"))
    )


@dataclass
class Counts:
    """Assignments counted by standing; every table row is one of these."""

    assigned: int = 0
    completed: int = 0
    compliant: int = 0
    overdue: int = 0
    expiring: int = 0
    expired: int = 0
    exempt: int = 0

    def add(self, *, status: str, completion: int, count: int) -> None:
        self.assigned += count
        if status in Status.COMPLIANT:
            self.compliant += count
        if status == Status.OVERDUE:
            self.overdue += count
        if status == Status.EXPIRED:
            self.expired += count
        if status == Status.EXEMPT:
            self.exempt += count
        if completion != NO_COMPLETION and status != Status.EXPIRED:
            self.completed += count
            if completion == EXPIRING:
                self.expiring += count

    def merge(self, other: "Counts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def percent_compliant(self) -> int | None:
        """Rounded down, so 100% means everyone (as on the liaison dashboard)."""
        return percent(self.compliant, self.assigned)


@dataclass
class DepartmentRow:
    department: Department
    counts: Counts
    by_requirement: dict[int, Counts]
    liaisons: list[str]
    last_confirmed_at: datetime | None


@dataclass
class CourseRow:
    course_id: int
    title: str
    requirements: list[str]
    counts: Counts


@dataclass
class RequirementColumn:
    requirement_id: int
    name: str
    course_id: int


@dataclass
class Figures:
    """Citywide figures, the department table and the course table."""

    total: Counts
    requirements: list[RequirementColumn]
    departments: list[DepartmentRow]
    courses: list[CourseRow]
    by_requirement: dict[int, Counts] = field(default_factory=dict)
    certificates_issued: int = 0
    certificates_valid: int = 0


def figures_from_rows(rows: Iterable[dict]) -> Figures:
    """Add up the grouped rows of :func:`figures_query` into the dashboard's tables."""
    total = Counts()
    by_department: dict[int, Counts] = defaultdict(Counts)
    by_cell: dict[tuple[int, int], Counts] = defaultdict(Counts)
    by_requirement: dict[int, Counts] = defaultdict(Counts)
    for row in rows:
        cell = by_cell[(row["employee__department_id"], row["requirement_id"])]
        for counts in (total, cell):
            counts.add(status=row["status"], completion=row["completion"], count=row["count"])
    for (department_id, requirement_id), cell in by_cell.items():
        by_department[department_id].merge(cell)
        by_requirement[requirement_id].merge(cell)

    requirements = [
        RequirementColumn(requirement_id=pk, name=name, course_id=course_id)
        for pk, name, course_id in TrainingRequirement.objects.filter(
            pk__in=list(by_requirement)
        ).values_list("pk", "name", "course_id")
    ]
    requirements.sort(key=lambda r: (r.name, r.requirement_id))

    departments = list(
        Department.objects.filter(pk__in=list(by_department))
        .annotate(last_confirmed_at=Max("roster_confirmations__confirmed_at"))
        .order_by("name")
    )
    liaisons: dict[int, list[str]] = defaultdict(list)
    for liaison in (
        Liaison.objects.filter(department__in=departments)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ):
        liaisons[liaison.department_id].append(
            liaison.user.get_full_name() or liaison.user.get_username()
        )
    department_rows = [
        DepartmentRow(
            department=department,
            counts=by_department[department.pk],
            by_requirement={
                r.requirement_id: by_cell[(department.pk, r.requirement_id)]
                for r in requirements
                if (department.pk, r.requirement_id) in by_cell
            },
            liaisons=liaisons[department.pk],
            last_confirmed_at=department.last_confirmed_at,
        )
        for department in departments
    ]

    titles = dict(
        CoursePage.objects.filter(pk__in={r.course_id for r in requirements}).values_list(
            "pk", "title"
        )
    )
    courses: dict[int, CourseRow] = {}
    for requirement in requirements:
        row = courses.setdefault(
            requirement.course_id,
            CourseRow(
                course_id=requirement.course_id,
                title=titles.get(requirement.course_id, ""),
                requirements=[],
                counts=Counts(),
            ),
        )
        row.requirements.append(requirement.name)
        row.counts.merge(by_requirement[requirement.requirement_id])
    return Figures(
        total=total,
        requirements=requirements,
        departments=department_rows,
        courses=sorted(courses.values(), key=lambda c: (c.title, c.course_id)),
        by_requirement=dict(by_requirement),
    )


def citywide_figures(
    *, user, filters: ReportFilters | None = None, today: date | None = None
) -> Figures:
    """Citywide figures, by department and by course, with certificate counts, for OEI."""
    figures = figures_from_rows(
        figures_query(citywide_assignments(user=user, filters=filters, today=today))
    )
    figures.certificates_issued, figures.certificates_valid = certificate_counts(filters)
    return figures


def certificate_counts(
    filters: ReportFilters | None = None, *, now: datetime | None = None
) -> tuple[int, int]:
    """Certificates issued, and valid now (neither revoked nor expired), of the filters'
    department and course. Unscoped: callers check access first."""
    from django.apps import apps
    from django.db.models import Q

    try:
        Certificate = apps.get_model("certificates", "Certificate")
    except LookupError:  # the certificates app has no model yet
        return 0, 0
    now = now or timezone.now()
    filters = filters or ReportFilters()
    certificates = Certificate.objects.all()
    if filters.department is not None:
        certificates = certificates.filter(employee__department=filters.department)
    if filters.requirement is not None:
        certificates = certificates.filter(completion__course_id=filters.requirement.course_id)
    counts = certificates.aggregate(
        issued=Count("pk"),
        valid=Count(
            "pk",
            filter=Q(revoked_at__isnull=True)
            & (Q(expires_at__isnull=True) | Q(expires_at__gt=now)),
        ),
    )
    return counts["issued"], counts["valid"]


# --- Trends --------------------------------------------------------------------------------


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


def completions_query(filters: ReportFilters, *, weeks: list[date]) -> QuerySet:
    """Completions per local day over the weeks, of the filters' department and course."""
    # The weeks as a range of instants, in the zone TruncDate uses: compared as stored, without
    # converting every completion's time to a local date first (a Python function per row on
    # SQLite).
    zone = timezone.get_current_timezone()
    completions = Completion.objects.filter(
        completed_at__gte=datetime.combine(weeks[0], time.min, tzinfo=zone),
        completed_at__lt=datetime.combine(weeks[-1] + timedelta(weeks=1), time.min, tzinfo=zone),
        employee__is_active=True,
        employee__department__is_active=True,
    )
    if filters.department is not None:
        completions = completions.filter(employee__department=filters.department)
    if filters.requirement is not None:
        completions = completions.filter(course_id=filters.requirement.course_id)
    else:
        completions = completions.filter(
            course_id__in=TrainingRequirement.objects.values("course_id")
        )
    return (
        completions.order_by()
        .annotate(day=TruncDate("completed_at"))
        .values("day")
        .annotate(count=Count("pk"))
    )


def history_query(assignments: QuerySet[Assignment]) -> QuerySet:
    """When each assignment was made, first became compliant (its first completion) and last
    completed, grouped: enough to replay % compliant at the end of any week."""
    return (
        assignments.order_by()
        .annotate(
            since=TruncDate("first_completed_at"),
            last=TruncDate("last_completed_at"),
            lapses=TruncDate("last_expires_at"),
        )
        .values("requirement_id", "assigned_on", "since", "last", "lapses")
        .annotate(count=Count("pk"))
    )


def weeks_from_rows(
    weeks: list[date], *, completion_rows: Iterable[dict], history_rows: Iterable[dict]
) -> list[Week]:
    """Bucket daily completions into weeks, and replay compliance at each week's end: an
    assignment counts from its first completion until its latest one lapses (its own expiry
    or its requirement's cycle). Exemptions are not replayed: they count in today's figures."""
    result = [Week(start=monday) for monday in weeks]
    index = {monday: n for n, monday in enumerate(weeks)}
    for row in completion_rows:
        monday = row["day"] - timedelta(days=row["day"].weekday())
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
    weeks = trend_weeks(filters, today=today)
    return weeks_from_rows(
        weeks,
        completion_rows=completions_query(filters, weeks=weeks),
        history_rows=history_query(assignments),
    )


def _without_dates(filters: ReportFilters) -> ReportFilters:
    """The trend replays every assignment; its dates choose the weeks shown."""
    return ReportFilters(department=filters.department, requirement=filters.requirement)


# --- Item analysis -------------------------------------------------------------------------


def guidance_of(question: dict, *, course_references: list[str]) -> list[str]:
    """The guidance a quiz question tests: what item analysis groups by (one question can test
    several clauses, and then counts under each).

    The clauses snapshotted with the question; else its snapshotted policy reference (older
    attempts); else its course's clauses. This is the one place that decides the grouping.
    """
    labels = [clause["label"] for clause in question.get("clauses") or [] if clause.get("label")]
    if labels:
        return labels
    reference = (question.get("policy_reference") or "").strip()
    if reference:
        return [reference]
    if course_references:
        return list(course_references)
    return [_("No policy reference")]


@dataclass
class ItemRow:
    """How one quiz question was answered across submitted attempts."""

    course_title: str
    question: str
    answered: int = 0
    correct: int = 0
    wrong_choices: Counter = field(default_factory=Counter)

    @property
    def percent_correct(self) -> int | None:
        return percent(self.correct, self.answered)

    @property
    def most_chosen_wrong(self) -> tuple[str, int] | None:
        """The wrong answer chosen most often, and how often."""
        if not self.wrong_choices:
            return None
        (text, count), *_rest = self.wrong_choices.most_common(1)
        return text, count


@dataclass
class GuidanceGroup:
    guidance: str
    items: list[ItemRow]

    @property
    def percent_correct(self) -> int | None:
        answered = sum(item.answered for item in self.items)
        correct = sum(item.correct for item in self.items)
        return percent(correct, answered)


def _course_references() -> dict[int, list[str]]:
    """Each course's clauses, as their citations ("EO §7")."""
    references: dict[int, list[str]] = defaultdict(list)
    for reference in CoursePolicyReference.objects.select_related("clause__document").order_by(
        "page_id", "sort_order"
    ):
        references[reference.page_id].append(reference.clause.label)
    return references


def item_analysis(*, user, filters: ReportFilters | None = None) -> list[GuidanceGroup]:
    """For each quiz question: % answered correctly and the most chosen wrong answer, grouped
    by the guidance it tests, least understood first. Read from the attempts' own snapshots of
    the questions, so a question edited since is reported as it was asked."""
    check_access(user)
    filters = filters or ReportFilters()
    attempts = QuizAttempt.objects.filter(submitted_at__isnull=False)
    if filters.department is not None:
        attempts = attempts.filter(employee__department=filters.department)
    if filters.requirement is not None:
        attempts = attempts.filter(course_id=filters.requirement.course_id)
    if filters.date_from is not None:
        attempts = attempts.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        attempts = attempts.filter(submitted_at__date__lte=filters.date_to)
    references = _course_references()
    items: dict[tuple[int, str], ItemRow] = {}
    guidance: dict[tuple[int, str], list[str]] = {}
    for course_id, course_title, questions, answers in attempts.values_list(
        "course_id", "course_title", "questions", "answers"
    ).iterator(chunk_size=500):
        for question in questions:
            key = (course_id, question["id"])
            row = items.get(key)
            if row is None:
                row = items[key] = ItemRow(course_title=course_title, question=question["text"])
                guidance[key] = guidance_of(
                    question, course_references=references.get(course_id, [])
                )
            chosen = sorted((answers or {}).get(question["id"]) or [])
            row.answered += 1
            if chosen == sorted(question["correct"]):
                row.correct += 1
            else:
                texts = {choice["id"]: choice["text"] for choice in question["choices"]}
                for choice_id in chosen:
                    if choice_id not in question["correct"]:
                        row.wrong_choices[texts.get(choice_id, choice_id)] += 1
    groups: dict[str, list[ItemRow]] = defaultdict(list)
    for key, row in items.items():
        for name in guidance[key]:
            groups[name].append(row)
    result = [
        GuidanceGroup(
            guidance=name,
            items=sorted(rows, key=lambda r: (r.percent_correct or 0, r.course_title, r.question)),
        )
        for name, rows in groups.items()
    ]
    result.sort(key=lambda g: (g.percent_correct or 0, g.guidance))
    return result


# --- Filters' choices and exports ----------------------------------------------------------


def filter_choices(*, user) -> tuple[QuerySet[Department], QuerySet[TrainingRequirement]]:
    check_access(user)
    return (
        Department.objects.filter(is_active=True).order_by("name"),
        TrainingRequirement.objects.order_by("name"),
    )


def assignment_export_rows(assignments: QuerySet[Assignment]) -> Iterator[tuple]:
    """Every assignment as a plain tuple of text, streamed from the database in chunks: the
    department's code, employee number, last and first names, requirement, status, the
    effective due date as ``YYYY-MM-DD`` and the last completion's UTC timestamp as
    ``YYYY-MM-DD HH:MM:SS...`` (or None). Dates come as the database's text, so a million rows
    need no converter per row."""
    return (
        assignments.order_by("employee__department__code", "employee__employee_number", "pk")
        .annotate(
            due_text=Cast("effective_due_on", CharField()),
            completed_text=Cast("last_completed_at", CharField()),
        )
        .values_list(
            "employee__department__code",
            "employee__employee_number",
            "employee__user__last_name",
            "employee__user__first_name",
            "requirement__name",
            "status",
            "due_text",
            "completed_text",
        )
        .iterator(chunk_size=5000)
    )


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
