"""What a report covers and who may read it: the filters, OEI's access, the assignments counted."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import (
    QuerySet,
)

from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import with_status
from lms.organisation.models import Department
from lms.organisation.selectors import can_see_citywide

#: "Expiring soon" on the dashboard: a completion that lapses within this many days.
EXPIRING_DAYS = 30
#: The trend shows this many weeks unless the filters say otherwise, and never more than MAX.
DEFAULT_WEEKS = 12
MAX_WEEKS = 104


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


def filter_choices(*, user) -> tuple[QuerySet[Department], QuerySet[TrainingRequirement]]:
    check_access(user)
    return (
        Department.objects.filter(is_active=True).order_by("name"),
        TrainingRequirement.objects.order_by("name"),
    )
