"""Reads about compliance, scoped to the requesting user in one place.

A liaison sees only the departments they are designated for, an employee only themselves and
OEI (with the citywide permission) everything. Every view, export and task asks here.
"""

from datetime import date, timedelta

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Completion, Enrollment
from courses.services import add_months
from lms.compliance.models import Assignment, Exemption, Extension, TrainingRequirement
from lms.organisation.models import Department, Employee

#: How close a deadline must be to count as "due soon".
DUE_SOON_DAYS = 14


class Status:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    EXPIRED = "expired"
    EXEMPT = "exempt"

    LABELS = {
        NOT_STARTED: _("Not started"),
        IN_PROGRESS: _("In progress"),
        COMPLETED: _("Completed"),
        DUE_SOON: _("Due soon"),
        OVERDUE: _("Overdue"),
        EXPIRED: _("Expired: recertify"),
        EXEMPT: _("Exempt"),
    }
    #: Statuses that count as compliant.
    COMPLIANT = (COMPLETED, EXEMPT)


def can_see_citywide(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("organisation.view_citywide_reports")
    )


def departments_for(*, user) -> QuerySet[Department]:
    """The departments whose people the user may see."""
    if can_see_citywide(user):
        return Department.objects.filter(is_active=True)
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(is_active=True, liaisons__user=user).distinct()


def _latest_completion(field: str):
    return Subquery(
        Completion.objects.filter(
            employee_id=OuterRef("employee_id"),
            course_id=OuterRef("requirement__course_id"),
        )
        .order_by("-completed_at")
        .values(field)[:1]
    )


def with_status(
    assignments: QuerySet[Assignment],
    *,
    requirements: list[TrainingRequirement],
    today: date | None = None,
) -> QuerySet[Assignment]:
    """Annotate ``status`` (and the facts behind it) on assignments, in SQL.

    ``requirements`` are those the queryset can hold: each one's recertification cycle turns
    into a constant date threshold, which keeps the whole status a single CASE expression on
    SQLite and PostgreSQL alike, so it can be filtered, sorted and counted by the database.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    expired, window = [], []
    for requirement in requirements:
        if requirement.recertify_months:
            expires_before = add_months(now, -requirement.recertify_months)
            window_before = expires_before + timedelta(days=requirement.window_days)
            expired.append(
                When(
                    requirement_id=requirement.pk,
                    last_completed_at__lt=expires_before,
                    then=Value(Status.EXPIRED),
                )
            )
            window.append(
                When(
                    requirement_id=requirement.pk,
                    last_completed_at__lt=window_before,
                    then=Value(Status.DUE_SOON),
                )
            )
    return assignments.annotate(
        last_completed_at=_latest_completion("completed_at"),
        last_expires_at=_latest_completion("expires_at"),
        extended_due_on=Subquery(
            Extension.objects.filter(assignment_id=OuterRef("pk"))
            .order_by("-granted_at")
            .values("new_due_on")[:1]
        ),
        effective_due_on=Coalesce(F("extended_due_on"), F("due_on")),
        exempt=Exists(
            Exemption.objects.filter(assignment_id=OuterRef("pk")).filter(
                Q(until__isnull=True) | Q(until__gte=today)
            )
        ),
        started=Exists(
            Enrollment.objects.filter(
                employee_id=OuterRef("employee_id"), course_id=OuterRef("requirement__course_id")
            )
        ),
    ).annotate(
        status=Case(
            When(exempt=True, then=Value(Status.EXEMPT)),
            When(
                last_completed_at__isnull=False, last_expires_at__lt=now, then=Value(Status.EXPIRED)
            ),
            *expired,
            *window,
            When(last_completed_at__isnull=False, then=Value(Status.COMPLETED)),
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
    employee = Employee.objects.filter(user=user).first() if user.is_authenticated else None
    if employee is None:
        return []
    return my_assignments_of(employee=employee, today=today)


def employees_for(*, user) -> QuerySet[Employee]:
    """Employees the user may see: OEI all, a liaison their departments, else themselves."""
    if can_see_citywide(user):
        return Employee.objects.all()
    if not user.is_authenticated:
        return Employee.objects.none()
    return Employee.objects.filter(Q(user=user) | Q(department__in=departments_for(user=user)))
