"""Figures: the counts by status, by department, by course and of certificates."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from courses.models import CoursePage
from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import Status, with_status
from lms.figures import percent
from lms.organisation import dates
from lms.organisation.models import Department, Liaison
from lms.reports.selectors.aggregated import aggregated_cells, aggregated_certificates
from lms.reports.selectors.scope import (
    EXPIRING_DAYS,
    ReportFilters,
    citywide_assignments,
    requirements_with_cycles,
)

# The completion column of the figures query: no completion, a completion, one expiring soon.
NO_COMPLETION, COMPLETION, EXPIRING = 0, 1, 2


def _completion_column(requirements: list[TrainingRequirement], now: datetime) -> Case:
    """0: no completion; 2: the latest completion lapses within EXPIRING_DAYS (its own expiry
    or the requirement's recertification cycle); 1: any other completion."""
    soon = now + timedelta(days=EXPIRING_DAYS)
    cycles = []
    for requirement in requirements:
        # The thresholds of lms/organisation/dates.py (the SQL form of its expiry and
        # recertification_opens), with the reports' own window of EXPIRING_DAYS.
        months = requirement.recertify_months
        cycles.append(
            When(
                requirement_id=requirement.pk,
                last_completed_at__gte=dates.lapsed_if_completed_before(now, months),
                last_completed_at__lt=dates.window_open_if_completed_before(
                    now, months, EXPIRING_DAYS
                ),
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


def with_completion(
    assignments: QuerySet[Assignment], *, now: datetime | None = None
) -> QuerySet[Assignment]:
    """Annotate the completion column (:data:`NO_COMPLETION`, :data:`COMPLETION` or
    :data:`EXPIRING`) on assignments annotated by ``with_status``."""
    now = now or timezone.now()
    return assignments.annotate(completion=_completion_column(requirements_with_cycles(), now))


def figures_query(assignments: QuerySet[Assignment], *, now: datetime | None = None) -> QuerySet:
    """The one aggregate behind every figure: counts by department, requirement, status and
    completion column. (The benchmark times it alone as the baseline.)"""
    return (
        with_completion(assignments.order_by(), now=now)
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
    #: Holders of a superseded edition who owe the update and are compliant until it is due.
    updates_due: int = 0

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
        if status == Status.UPDATE_DUE:
            self.updates_due += count
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

    @property
    def compliant_without_completion(self) -> int:
        """The compliant who hold no current completion: the exempt and the updates due (what
        "compliant minus completed" gives an analyst of a published table)."""
        return self.exempt + self.updates_due


@dataclass
class DepartmentRow:
    department: Department
    counts: Counts
    by_requirement: dict[int, Counts]
    liaisons: list[str]
    last_confirmed_at: datetime | None

    @property
    def roster_changed_at(self) -> datetime | None:
        """When an import, a transfer or a leaver changed the roster after its last
        confirmation; None when it did not (or it was never confirmed)."""
        changed_at = self.department.roster_changed_at
        if self.last_confirmed_at is None or changed_at is None:
            return None
        return changed_at if changed_at > self.last_confirmed_at else None


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


def cells_add_rows(by_cell: dict[tuple[int, int], Counts], rows: Iterable[dict]) -> None:
    """Add the grouped rows of :func:`figures_query` to the counts by (department,
    requirement)."""
    for row in rows:
        key = (row["employee__department_id"], row["requirement_id"])
        cell = by_cell.get(key)
        if cell is None:
            cell = by_cell[key] = Counts()
        cell.add(status=row["status"], completion=row["completion"], count=row["count"])


def figures_from_rows(rows: Iterable[dict]) -> Figures:
    """Add up the grouped rows of :func:`figures_query` into the dashboard's tables."""
    by_cell: dict[tuple[int, int], Counts] = {}
    cells_add_rows(by_cell, rows)
    return figures_from_cells(by_cell)


def cells_of_aggregates(
    filters: ReportFilters | None = None, *, now: datetime | None = None
) -> dict[tuple[int, int], Counts] | None:
    """The counts by (department, requirement) as :func:`figures_query` would give them at
    ``now``, read from the aggregates, with the few assignments whose standing moves today
    counted live by the same rule; None when the aggregates cannot say."""
    now = now or timezone.now()
    aggregated = aggregated_cells(filters, now=now)
    if aggregated is None:
        return None
    cells = {}
    for key, values in aggregated.cells.items():
        if values["assigned"]:
            cells[key] = Counts(**values)
    if aggregated.volatile:
        live = with_status(
            Assignment.objects.filter(
                pk__in=aggregated.volatile, is_active=True, employee__is_active=True
            ),
            requirements=requirements_with_cycles(),
            today=timezone.localdate(now),
            now=now,
        )
        cells_add_rows(cells, figures_query(live, now=now))
    return cells


def figures_from_cells(by_cell: dict[tuple[int, int], Counts]) -> Figures:
    """The dashboard's tables from the counts by (department, requirement): computed live by
    :func:`figures_from_rows`, or read from the aggregates."""
    total = Counts()
    by_department: dict[int, Counts] = defaultdict(Counts)
    by_requirement: dict[int, Counts] = defaultdict(Counts)
    for (department_id, requirement_id), cell in by_cell.items():
        total.merge(cell)
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
    """Citywide figures, by department and by course, with certificate counts, for OEI:
    from the aggregates when they can say (today), else computed live."""
    assignments = citywide_assignments(user=user, filters=filters, today=today)
    cells = None
    if today is None or today == timezone.localdate():
        cells = cells_of_aggregates(filters)
    if cells is None:
        figures = figures_from_rows(figures_query(assignments))
    else:
        figures = figures_from_cells(cells)
    figures.certificates_issued, figures.certificates_valid = certificate_counts(filters)
    return figures


def certificates_of(filters: ReportFilters | None = None) -> QuerySet | None:
    """The certificates the dashboard counts, of the filters' department and course (every
    employee, every department: issued is issued); None while the certificates app has no
    model. Unscoped: callers check access first."""
    try:
        Certificate = apps.get_model("certificates", "Certificate")
    except LookupError:  # the certificates app has no model yet
        return None
    filters = filters or ReportFilters()
    certificates = Certificate.objects.all()
    if filters.department is not None:
        certificates = certificates.filter(employee__department=filters.department)
    if filters.requirement is not None:
        certificates = certificates.filter(completion__course_id=filters.requirement.course_id)
    return certificates


def certificate_valid(now: datetime) -> Q:
    """A certificate valid at ``now``: neither revoked nor expired."""
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def certificate_counts(
    filters: ReportFilters | None = None, *, now: datetime | None = None
) -> tuple[int, int]:
    """Certificates issued, and valid now (neither revoked nor expired), of the filters'
    department and course: from the aggregates when they can say (the few expiring today
    counted live by the same rule), else counted live. Unscoped: callers check access first."""
    certificates = certificates_of(filters)
    if certificates is None:
        return 0, 0
    now = now or timezone.now()
    aggregated = aggregated_certificates(filters or ReportFilters(), now=now)
    if aggregated is not None:
        valid = aggregated.valid
        if aggregated.volatile:
            valid += (
                certificates.filter(pk__in=aggregated.volatile)
                .filter(certificate_valid(now))
                .count()
            )
        return aggregated.issued, valid
    counts = certificates.aggregate(
        issued=Count("pk"), valid=Count("pk", filter=certificate_valid(now))
    )
    return counts["issued"], counts["valid"]
