from datetime import date, timedelta

import pytest
from django.utils import translation

from lms.compliance.models import Assignment
from lms.compliance.services import assignments_sync
from lms.organisation import roles
from tests.factories import (
    EmployeeFactory,
    LiaisonFactory,
    TrainingRequirementFactory,
    UserFactory,
)

#: A Monday, so weekly digests have a known week.
DAY = date(2025, 9, 1)


@pytest.fixture(autouse=True)
def language_restored():
    """A request in Spanish leaves Spanish active in this thread: not for the next test."""
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def day():
    return DAY


@pytest.fixture
def requirement(course):
    return TrainingRequirementFactory(
        name="Federal agents", course=course, active_from=DAY - timedelta(days=200)
    )


@pytest.fixture
def assign(requirement):
    """assign(employee, due_on) -> the employee's assignment, due on that day."""

    def assign(employee, due_on):
        assignments_sync(requirements=[requirement], employee_ids=[employee.pk], today=DAY)
        assignment = Assignment.objects.get(employee=employee, requirement=requirement)
        Assignment.objects.filter(pk=assignment.pk).update(due_on=due_on)
        assignment.refresh_from_db()
        return assignment

    return assign


@pytest.fixture
def ana(parks):
    return EmployeeFactory(
        department=parks, user__first_name="Ana", user__last_name="Ruiz", user__username="ana"
    )


@pytest.fixture
def liaison(parks):
    return LiaisonFactory(
        department=parks,
        user__first_name="Lia",
        user__username="liaison.parks",
        designated_on=DAY - timedelta(days=365),
    ).user


@pytest.fixture
def oei_user(db):
    roles.roles_sync()  # a transactional test may have flushed the groups
    return UserFactory(username="oei.admin", first_name="Olga", roles=[roles.OEI_ADMIN])
