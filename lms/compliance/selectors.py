"""Reads about compliance, scoped to the requesting user in one place.

A liaison sees only the departments they are designated for, an employee only themselves and
OEI (with the citywide permission) everything. Every view, export and task asks here.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from courses.models import Acknowledgment, Enrollment
from lms.compliance.models import (
    Assignment,
    DueRule,
    Exemption,
    Extension,
    ReminderRequest,
    RosterConfirmation,
    TrainingRequirement,
)
from lms.figures import percent
from lms.organisation import dates
from lms.organisation.models import Department, Employee
from lms.organisation.selectors import (
    can_see_citywide,
    departments_for,
    employee_for,
    employees_for,
    team_for,
)

#: How close a deadline must be to count as "due soon".
DUE_SOON_DAYS = 14
#: The liaison dashboard's "due in the next 30 days" figure (issue 20): how far ahead it looks.
#: A figure of its own, not a status: the "due soon" status keeps DUE_SOON_DAYS.
DUE_WITHIN_DAYS = 30


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    EXPIRED = "expired"
    EXEMPT = "exempt"
    #: A completion of an earlier edition than the course's current one, before the update's
    #: due date: compliant, with the update owed.
    UPDATE_DUE = "update_due"

    LABELS = {
        NOT_STARTED: _("Not started"),
        IN_PROGRESS: _("In progress"),
        COMPLETED: _("Completed"),
        DUE_SOON: _("Due soon"),
        OVERDUE: _("Overdue"),
        EXPIRED: _("Expired: recertify"),
        EXEMPT: _("Exempt"),
        UPDATE_DUE: pgettext_lazy("compliance status", "Update due"),
    }
    #: Statuses that count as compliant.
    COMPLIANT = (COMPLETED, EXEMPT, UPDATE_DUE)
    #: Compliant statuses that owe nothing: an UPDATE_DUE holder is still reminded of the
    #: update's due date.
    NOTHING_OWED = (COMPLETED, EXEMPT)


def _after_revocation(due_on):
    """The due date ``due_on``, or the later date OEI set when revoking a certificate of the
    course (``revoked_due_on``): a revocation makes the training due again by that date, and
    never shortens a later due date (an extension granted since, a new edition's update)."""
    # GREATEST on PostgreSQL, MAX() on SQLite (NULL if any argument is: hence the Coalesce),
    # so the due date's own expression is written once.
    return Greatest(
        due_on, Coalesce(F("revoked_due_on"), Value(date.min)), output_field=DateField()
    )


def with_status(
    assignments: QuerySet[Assignment],
    *,
    requirements: list[TrainingRequirement],
    today: date | None = None,
    now: datetime | None = None,
) -> QuerySet[Assignment]:
    """Annotate ``status`` (and the facts behind it) on assignments, in SQL.

    ``now`` (default: the current instant) is the moment instants are compared with; the
    aggregates (``lms.reports.aggregates``) ask for the status at two moments of one day.

    The rule, first match wins, on ``today`` (``now`` for instants):

    1. an exemption in force today: EXEMPT;
    2. the latest completion (any edition) has lapsed (its own expiry before now, or the
       requirement's recertification cycle since it has passed): EXPIRED;
    3. the latest completion is of the course's current edition: DUE_SOON once its
       recertification window is open, else COMPLETED;
    4. the latest completion is of an earlier edition (a new edition superseded it) and
       today <= ``effective_due_on`` (the update's due date, ``update_due_on``, or a later
       extension granted since): UPDATE_DUE, which counts as compliant; after that date the
       rules below make it OVERDUE;
    5. ``effective_due_on`` before today: OVERDUE; within DUE_SOON_DAYS: DUE_SOON;
       started (an enrollment in the current edition): IN_PROGRESS; else NOT_STARTED.

    ``last_completed_at`` and ``last_expires_at`` are those of a completion of the current
    edition (None for a holder of a superseded one); the assignment's ``latest_completed_at``
    and ``latest_completion_edition`` say when the latest completion of any edition was, and
    of which edition.

    ``requirements`` are those the queryset can hold: each one's recertification cycle turns
    into a constant date threshold, which keeps the whole status a single CASE expression on
    SQLite and PostgreSQL alike, so it can be filtered, sorted and counted by the database.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    # Each requirement's recertification cycle as two date thresholds, chosen by requirement in
    # one CASE each, so the latest completion is compared once per threshold rather than once
    # per requirement.
    expired_before, window_before = [], []
    for requirement in requirements:
        # The thresholds of lms/organisation/dates.py: the SQL form of its expiry and
        # recertification_opens, compared with them in tests/organisation/test_dates.py.
        if requirement.recertify_months:
            months = requirement.recertify_months
            expired_before.append(
                When(
                    requirement_id=requirement.pk,
                    then=Value(dates.lapsed_if_completed_before(now, months)),
                )
            )
            window_before.append(
                When(
                    requirement_id=requirement.pk,
                    then=Value(
                        dates.window_open_if_completed_before(now, months, requirement.window_days)
                    ),
                )
            )
    cycles = []
    if expired_before:
        cycles = [
            # A completion of any edition lapses with its cycle.
            When(
                latest_completed_at__lt=Case(*expired_before, output_field=DateTimeField()),
                then=Value(Status.EXPIRED),
            ),
            When(
                last_completed_at__lt=Case(*window_before, output_field=DateTimeField()),
                then=Value(Status.DUE_SOON),
            ),
        ]
    # Only completions of the course's current edition count as completed: a new edition
    # supersedes the earlier ones, and their holders owe the update by ``update_due_on``,
    # compliant until then. The latest completion and extension are columns of the
    # assignment (see its model), so this is a CASE over one row, whatever the number of
    # references to it.
    current_edition = F("requirement__course__edition")
    counts = Q(latest_completion_edition__gte=current_edition)
    superseded = Q(latest_completion_edition__lt=current_edition)
    enrollments = Enrollment.objects.filter(
        employee_id=OuterRef("employee_id"),
        course_id=OuterRef("requirement__course_id"),
        course_edition=OuterRef("requirement__course__edition"),
        # The cycle of a revoked completion is over: a retake is a new enrollment.
        completion__revocation__isnull=True,
    )
    assignments = assignments.annotate(
        last_completed_at=Case(
            When(counts, then=F("latest_completed_at")), output_field=DateTimeField()
        ),
        last_expires_at=Case(
            When(counts, then=F("latest_expires_at")), output_field=DateTimeField()
        ),
        effective_due_on=_after_revocation(
            # An extension granted since the update was due moves it; an older one does not.
            Case(
                When(update_due_on__isnull=True, then=Coalesce(F("extended_due_on"), F("due_on"))),
                When(extended_due_on__gt=F("update_due_on"), then=F("extended_due_on")),
                default=F("update_due_on"),
                output_field=DateField(),
            )
        ),
    )
    return assignments.annotate(
        exempt=Exists(
            Exemption.objects.filter(assignment_id=OuterRef("pk")).filter(
                # ``until`` is its last day; from the day it was ended early it no longer counts.
                Q(until__isnull=True) | Q(until__gte=today),
                Q(ended_on__isnull=True) | Q(ended_on__gt=today),
            )
        ),
        started=Exists(enrollments),
    ).annotate(
        status=Case(
            When(exempt=True, then=Value(Status.EXEMPT)),
            When(latest_expires_at__lt=now, then=Value(Status.EXPIRED)),
            *cycles,
            When(last_completed_at__isnull=False, then=Value(Status.COMPLETED)),
            When(superseded & Q(effective_due_on__gte=today), then=Value(Status.UPDATE_DUE)),
            When(effective_due_on__lt=today, then=Value(Status.OVERDUE)),
            When(
                effective_due_on__lte=today + timedelta(days=DUE_SOON_DAYS),
                then=Value(Status.DUE_SOON),
            ),
            When(started=True, then=Value(Status.IN_PROGRESS)),
            default=Value(Status.NOT_STARTED),
            output_field=CharField(),
        )
    )


def assignments_for(*, user, today: date | None = None) -> QuerySet[Assignment]:
    """Active assignments the user may see, each with its ``status``.

    OEI: everyone's; a liaison: their departments' people; anyone else: their own.
    """
    assignments = Assignment.objects.filter(is_active=True, employee__is_active=True)
    if not can_see_citywide(user):
        mine = Q(employee__user=user) if user.is_authenticated else Q(pk__in=[])
        assignments = assignments.filter(
            mine | Q(employee__department__in=departments_for(user=user))
        )
    requirements = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
    return with_status(assignments, requirements=requirements, today=today)


def my_assignments_of(*, employee: Employee, today: date | None = None) -> list[Assignment]:
    """One employee's active assignments with their status, soonest due first."""
    requirements = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
    return list(
        with_status(
            Assignment.objects.filter(employee=employee, is_active=True),
            requirements=requirements,
            today=today,
        )
        .select_related("requirement__course")
        .order_by("effective_due_on")
    )


def my_assignments(*, user, today: date | None = None) -> list[Assignment]:
    """The signed-in employee's own assignments ("My training")."""
    employee = employee_for(user=user)
    if employee is None:
        return []
    return my_assignments_of(employee=employee, today=today)


def due_rule_label(
    *, rule: str, days: int | None, due_on: date | str | None, iso: bool = False
) -> str:
    """Which rule set an assignment's due date, in words (issue 19): "by 31 March 2027" for a
    fixed date, "30 days after assignment" or "30 days after the hire date" for the relative
    rules; "" when not recorded. ``iso`` writes the date as YYYY-MM-DD, for exports (which may
    pass it as that text already)."""
    if rule == DueRule.FIXED_DATE and due_on:
        if isinstance(due_on, str):
            text = due_on[:10]
        elif iso:
            text = due_on.isoformat()
        else:
            text = formats.date_format(due_on, "DATE_FORMAT")
        return gettext("by %(date)s") % {"date": text}
    if rule == DueRule.ASSIGNMENT and days is not None:
        return ngettext("%(days)d day after assignment", "%(days)d days after assignment", days) % {
            "days": days
        }
    if rule == DueRule.HIRE_DATE and days is not None:
        return ngettext(
            "%(days)d day after the hire date", "%(days)d days after the hire date", days
        ) % {"days": days}
    return ""


# --- The liaison dashboard (EO §5) -----------------------------------------------------------

#: Statuses from the most to the least urgent: the dashboard's "sort by status".
STATUS_SEVERITY = (
    Status.OVERDUE,
    Status.EXPIRED,
    Status.DUE_SOON,
    Status.NOT_STARTED,
    Status.IN_PROGRESS,
    Status.UPDATE_DUE,
    Status.COMPLETED,
    Status.EXEMPT,
)


class _SeverityRank(Func):
    """``CASE <status> WHEN 'overdue' THEN 0 ... END``: the "simple" CASE form evaluates the
    (expensive) status expression once, where ``Case(When(status=...), ...)`` would repeat it
    for every branch."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        status_sql, status_params = compiler.compile(self.get_source_expressions()[0])
        branches, params = [], list(status_params)
        for rank, status in enumerate(STATUS_SEVERITY):
            branches.append("WHEN %s THEN %s")
            params += [status, rank]
        params.append(len(STATUS_SEVERITY))
        return f"CASE {status_sql} {' '.join(branches)} ELSE %s END", params


@dataclass
class RosterChanges:
    """How the department's active people differ from a confirmed roster."""

    joined: int = 0
    left: int = 0
    transferred_out: int = 0


@dataclass
class LastConfirmation:
    confirmed_at: datetime
    confirmed_by: str
    #: The number of active employees confirmed; each one is on its own page
    #: (:func:`confirmed_roster`), not loaded with every view of the dashboard.
    employee_count: int = 0
    #: When an import, a transfer or a leaver changed the department's roster since; else None.
    changed_at: datetime | None = None
    changes: RosterChanges | None = None

    @property
    def changed(self) -> bool:
        return self.changed_at is not None


def roster_changed_since(department: Department, confirmed_at: datetime | None) -> datetime | None:
    """When the department's roster last changed, if after ``confirmed_at``; else None."""
    changed_at = department.roster_changed_at
    if confirmed_at is None or changed_at is None or changed_at <= confirmed_at:
        return None
    return changed_at


def roster_changes(*, department: Department, confirmed: set[str]) -> RosterChanges:
    """Who joined the department's active people since a roster of ``confirmed`` employee
    numbers, who left it, and how many of those still work for the City elsewhere."""
    current = set(
        Employee.objects.filter(department=department, is_active=True).values_list(
            "employee_number", flat=True
        )
    )
    gone = confirmed - current
    moved = (
        Employee.objects.filter(employee_number__in=gone, is_active=True)
        .exclude(department=department)
        .count()
        if gone
        else 0
    )
    return RosterChanges(joined=len(current - confirmed), left=len(gone), transferred_out=moved)


def department_for(*, user, code: str) -> Department | None:
    """One department the user may see, by code, with its last roster confirmation (what it
    confirmed, and whether the roster changed since); else None, so that a department the user
    may not see looks exactly like one that does not exist."""
    latest = RosterConfirmation.objects.filter(department=OuterRef("pk")).order_by(
        "-confirmed_at", "-pk"
    )
    department = (
        departments_for(user=user)
        .filter(code=code)
        .annotate(
            confirmation_id=Subquery(latest.values("pk")[:1]),
            confirmed_by_first=Subquery(latest.values("confirmed_by__first_name")[:1]),
            confirmed_by_last=Subquery(latest.values("confirmed_by__last_name")[:1]),
            confirmed_by_username=Subquery(latest.values("confirmed_by__username")[:1]),
        )
        .first()
    )
    if department is None:
        return None
    department.last_confirmation = None
    if department.confirmation_id is not None:
        # The roster itself (every person confirmed) is read only when it changed since.
        confirmation = RosterConfirmation.objects.only("confirmed_at", "employee_count").get(
            pk=department.confirmation_id
        )
        name = f"{department.confirmed_by_first} {department.confirmed_by_last}".strip()
        changed_at = roster_changed_since(department, confirmation.confirmed_at)
        department.last_confirmation = LastConfirmation(
            confirmed_at=confirmation.confirmed_at,
            confirmed_by=name or department.confirmed_by_username,
            employee_count=confirmation.employee_count,
            changed_at=changed_at,
            changes=roster_changes(department=department, confirmed=confirmation.employee_numbers)
            if changed_at is not None
            else None,
        )
    return department


def confirmed_roster(*, department: Department) -> list[dict]:
    """The people of the department's last roster confirmation, as confirmed
    (``[{"number", "name", "job_title"}]``); empty when it was never confirmed. The department
    is one :func:`department_for` returned: the caller's access was checked there."""
    confirmation_id = getattr(department, "confirmation_id", None)
    if confirmation_id is None:
        return []
    return RosterConfirmation.objects.values_list("roster", flat=True).get(pk=confirmation_id)


def department_assignments(
    *, user, department: Department, today: date | None = None
) -> QuerySet[Assignment]:
    """The active assignments of one department's people, with ``status``, if the user may see
    that department; none otherwise (a liaison's own assignments in someone else's department
    included)."""
    return assignments_for(user=user, today=today).filter(
        employee__department=department,
        employee__department__in=departments_for(user=user),
    )


@dataclass
class RequirementSummary:
    """How one requirement stands in a department: counts by status."""

    requirement_id: int
    name: str
    counts: dict[str, int] = field(default_factory=dict)
    #: By status, how many fall due in the next DUE_WITHIN_DAYS days (today included).
    due_within_counts: dict[str, int] = field(default_factory=dict)

    @property
    def due_within(self) -> int:
        """Not compliant and due from today to DUE_WITHIN_DAYS days later (issue 20)."""
        return sum(
            count
            for status, count in self.due_within_counts.items()
            if status not in Status.COMPLIANT
        )

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def compliant(self) -> int:
        return sum(self.counts.get(status, 0) for status in Status.COMPLIANT)

    @property
    def percent_compliant(self) -> int | None:
        """Rounded down, so 100% means everyone."""
        return percent(self.compliant, self.total)

    @property
    def overdue(self) -> int:
        return self.counts.get(Status.OVERDUE, 0)

    @property
    def due_soon(self) -> int:
        return self.counts.get(Status.DUE_SOON, 0)

    @property
    def expired(self) -> int:
        return self.counts.get(Status.EXPIRED, 0)

    @property
    def update_due(self) -> int:
        """Compliant holders of a superseded edition who owe the update."""
        return self.counts.get(Status.UPDATE_DUE, 0)


@dataclass
class RosterSummary:
    requirements: list[RequirementSummary]

    @property
    def all(self) -> RequirementSummary:
        """Every requirement together."""
        counts: dict[str, int] = {}
        due_within: dict[str, int] = {}
        for requirement in self.requirements:
            for status, count in requirement.counts.items():
                counts[status] = counts.get(status, 0) + count
            for status, count in requirement.due_within_counts.items():
                due_within[status] = due_within.get(status, 0) + count
        return RequirementSummary(
            requirement_id=0, name="", counts=counts, due_within_counts=due_within
        )

    def count(self, *, status: str | None = None, requirement_id: int | None = None) -> int:
        """How many assignments have ``status`` under ``requirement_id`` (None: any)."""
        return sum(
            count
            for requirement in self.requirements
            if requirement_id is None or requirement.requirement_id == requirement_id
            for row_status, count in requirement.counts.items()
            if status is None or row_status == status
        )


def roster_summary(
    assignments: QuerySet[Assignment], *, today: date | None = None
) -> RosterSummary:
    """Counts by requirement and status, in one aggregate query, with how many of each fall
    due in the next DUE_WITHIN_DAYS days (``due_within``).

    Grouping by the annotated status computes the status once per assignment; a ``Count``
    with a ``filter=`` per status would repeat its whole CASE (and its subqueries) per count.
    """
    today = today or timezone.localdate()
    by_requirement: dict[int, RequirementSummary] = {}
    soon = Q(effective_due_on__gte=today, effective_due_on__lte=today + timedelta(DUE_WITHIN_DAYS))
    rows = (
        assignments.order_by()
        .values("requirement_id", "requirement__name", "status")
        .annotate(count=Count("pk"), due_within=Count("pk", filter=soon))
    )
    for row in rows:
        summary = by_requirement.setdefault(
            row["requirement_id"],
            RequirementSummary(requirement_id=row["requirement_id"], name=row["requirement__name"]),
        )
        summary.counts[row["status"]] = row["count"]
        summary.due_within_counts[row["status"]] = row["due_within"]
    return RosterSummary(
        requirements=sorted(by_requirement.values(), key=lambda r: (r.name, r.requirement_id))
    )


def roster_filter(
    assignments: QuerySet[Assignment],
    *,
    status: str | None = None,
    requirement_id: int | None = None,
    search: str = "",
) -> QuerySet[Assignment]:
    """Narrow a roster by status, requirement and a name or employee number search (every word
    must match the first name, last name or employee number)."""
    if status:
        assignments = assignments.filter(status=status)
    if requirement_id:
        assignments = assignments.filter(requirement_id=requirement_id)
    for word in search.split():
        assignments = assignments.filter(
            Q(employee__user__first_name__icontains=word)
            | Q(employee__user__last_name__icontains=word)
            | Q(employee__employee_number__icontains=word)
        )
    return assignments


def roster_order(assignments: QuerySet[Assignment], *, sort: str) -> QuerySet[Assignment]:
    """Order a roster by "name", "due" (effective due date) or "status" (most urgent first);
    ties end on the primary key, so pages never overlap."""
    names = ("employee__user__last_name", "employee__user__first_name", "employee_id")
    if sort == "due":
        return assignments.order_by("effective_due_on", *names, "pk")
    if sort == "status":
        return assignments.order_by(_SeverityRank(F("status")), "effective_due_on", *names, "pk")
    if sort == "name":
        return assignments.order_by(*names, "requirement__name", "pk")
    raise ValueError(f"Unknown roster sort {sort!r}")


def _latest_acknowledgment(field: str):
    return Subquery(
        Acknowledgment.objects.filter(
            employee_id=OuterRef("employee_id"), course_id=OuterRef("requirement__course_id")
        )
        .order_by("-signed_at")
        .values(field)[:1]
    )


def with_acknowledgment(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Annotate when each person last signed the acknowledgment of the requirement's course
    (``acknowledged_at``) and for which edition (``acknowledged_edition``)."""
    return assignments.annotate(
        acknowledged_at=_latest_acknowledgment("signed_at"),
        acknowledged_edition=_latest_acknowledgment("course_edition"),
    )


def roster_rows(
    assignments: QuerySet[Assignment], *, pks: list[int], today: date | None = None
) -> list[Assignment]:
    """The assignments ``pks`` (one page of a roster) in that order, with the employee, the
    requirement, a ``status_label`` and whether the employee was ``reminded_today``."""
    today = today or timezone.localdate()
    rows = (
        with_acknowledgment(assignments.filter(pk__in=pks))
        .select_related("employee__user", "requirement")
        .annotate(
            current_edition=F("requirement__course__edition"),
            reminded_today=Exists(
                ReminderRequest.objects.filter(employee_id=OuterRef("employee_id"), day=today)
            ),
        )
    )
    by_pk = {row.pk: row for row in rows}
    page = [by_pk[pk] for pk in pks if pk in by_pk]
    for row in page:
        row.status_label = Status.LABELS.get(row.status, row.status)
        row.due_rule_label = due_rule_label(
            rule=row.due_rule, days=row.due_rule_days, due_on=row.due_on
        )
    return page


def roster_export_rows(assignments: QuerySet[Assignment]) -> Iterator[tuple]:
    """A roster's rows as plain tuples, streamed from the database in chunks: (employee
    number, last name, first name, job title, requirement, status, effective due date, the
    rule that set the due date (``due_rule``, ``due_rule_days``, the assigned ``due_on``),
    whether extended, last completed at and its edition (the latest completion of any edition:
    a superseded one too), acknowledged at, acknowledged edition)."""
    return (
        with_acknowledgment(assignments)
        .values_list(
            "employee__employee_number",
            "employee__user__last_name",
            "employee__user__first_name",
            "employee__job_title",
            "requirement__name",
            "status",
            "effective_due_on",
            "due_rule",
            "due_rule_days",
            "due_on",
            "extended_due_on",
            "latest_completed_at",
            "latest_completion_edition",
            "acknowledged_at",
            "acknowledged_edition",
        )
        .iterator(chunk_size=2000)
    )


def department_employees(*, user, department: Department) -> QuerySet[Employee]:
    """The active employees of a department the user may see (none if they may not)."""
    return employees_for(user=user).filter(
        department=department,
        department__in=departments_for(user=user),
        is_active=True,
    )


def assignment_for(*, user, pk: int, today: date | None = None) -> Assignment | None:
    """One active assignment of a department the user may see (their liaison, or OEI), with
    its ``status`` and its extensions and exemptions (who granted them, when); else None."""
    return (
        assignments_for(user=user, today=today)
        .filter(pk=pk, employee__department__in=departments_for(user=user))
        .select_related("employee__user", "employee__department", "requirement__course")
        .prefetch_related(
            Prefetch("extensions", Extension.objects.select_related("granted_by")),
            Prefetch("exemptions", Exemption.objects.select_related("granted_by", "ended_by")),
        )
        .first()
    )


def department_requirements(assignments: QuerySet[Assignment]) -> list[tuple[int, str]]:
    """(id, name) of the requirements a roster holds, without computing anyone's status."""
    return list(
        assignments.order_by("requirement__name", "requirement_id")
        .values_list("requirement_id", "requirement__name")
        .distinct()
    )


def update_owed_count(*, course_id: int) -> int:
    """How many people would owe the update if a course's next edition were published now:
    active employees with a completion of the course (every completion is of an earlier edition
    than the next) and an active assignment for an active requirement using it. Answers
    ``courses.events.update_owed_count`` for the legal reviewer's queue."""
    return (
        Assignment.objects.filter(
            is_active=True,
            requirement__is_active=True,
            requirement__course_id=course_id,
            employee__is_active=True,
            employee__completions__course_id=course_id,
        )
        .values("employee_id")
        .distinct()
        .count()
    )


# --- Exemptions (issue 16: end dates, ended early) ------------------------------------------


def can_end_exemption(*, exemption: Exemption, user) -> bool:
    """OEI (citywide access) or the liaison who granted it, while they are still the liaison
    of the employee's department, may end an exemption early."""
    if can_see_citywide(user):
        return True
    if exemption.granted_by_id != user.pk:
        return False
    department_id = (
        Assignment.objects.filter(pk=exemption.assignment_id)
        .values_list("employee__department_id", flat=True)
        .first()
    )
    return departments_for(user=user).filter(pk=department_id).exists()


def exemption_is_current(exemption: Exemption, *, today: date | None = None) -> bool:
    """Whether the exemption counts on ``today``: its last day (``until``) has not passed and
    it was not ended early on or before today (the rule of ``with_status``'s ``exempt``)."""
    today = today or timezone.localdate()
    if exemption.until is not None and exemption.until < today:
        return False
    return exemption.ended_on is None or exemption.ended_on > today


def exemption_rows(*, assignment: Assignment, user, today: date | None = None) -> list[Exemption]:
    """The exemptions of an assignment (prefetched by :func:`assignment_for`), newest first,
    each with ``is_current`` and whether ``user`` may end it (``can_end``)."""
    rows = list(assignment.exemptions.all())
    for exemption in rows:
        exemption.is_current = exemption_is_current(exemption, today=today)
        exemption.can_end = exemption.is_current and can_end_exemption(
            exemption=exemption, user=user
        )
    return rows


# --- Supervisors' "My team" (issue 19) ---------------------------------------------------------


def team_assignments(
    *, user, everyone: bool = False, today: date | None = None
) -> QuerySet[Assignment]:
    """The active assignments of the signed-in supervisor's team (direct reports, or with
    ``everyone`` all below them), with ``with_status``'s status: nobody outside their chain,
    and none at all for someone who supervises no one."""
    requirements = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
    return with_status(
        Assignment.objects.filter(
            is_active=True,
            employee__in=team_for(user=user, everyone=everyone).values("pk"),
        ),
        requirements=requirements,
        today=today,
    )


def team_rows(assignments: QuerySet[Assignment], *, pks: list[int]) -> list[Assignment]:
    """One page of a team's assignments, as :func:`roster_rows`, each with its supervisor's
    name (``reports_to``: the team may be several levels deep) and its due date's rule."""
    page = roster_rows(assignments, pks=pks)
    supervisors = dict(
        Employee.objects.filter(pk__in={row.employee_id for row in page}).values_list(
            "pk", "supervisor_id"
        )
    )
    names = {
        employee.pk: employee.full_name
        for employee in Employee.objects.filter(pk__in=set(supervisors.values())).select_related(
            "user"
        )
    }
    for row in page:
        row.reports_to = names.get(supervisors.get(row.employee_id), "")
    return page
