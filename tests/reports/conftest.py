from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Completion, Enrollment
from lms.compliance.models import Assignment
from lms.compliance.services import assignment_completion_record, assignments_sync
from lms.organisation import roles
from tests.factories import (
    DepartmentFactory,
    EmployeeFactory,
    LiaisonFactory,
    TrainingRequirementFactory,
    UserFactory,
)


def complete(employee, course, *, days_ago=0, expires_in_days=None):
    """A completion ``days_ago``, recorded as the course services record one."""
    when = timezone.now() - timedelta(days=days_ago)
    enrollment = Enrollment.objects.create(
        employee=employee, course=course, course_edition=course.edition, started_at=when
    )
    completion = Completion.objects.create(
        employee=employee,
        course=course,
        enrollment=enrollment,
        course_title=course.title,
        course_edition=course.edition,
        completed_at=when,
        expires_at=None if expires_in_days is None else when + timedelta(days=expires_in_days),
    )
    assignment_completion_record(completion=completion)
    return completion


def set_due(employee, requirement, due_on):
    Assignment.objects.filter(employee=employee, requirement=requirement).update(due_on=due_on)


@pytest.fixture
def oei(db):
    return UserFactory(username="oei", roles=[roles.EMPLOYEE, roles.OEI_ADMIN])


@pytest.fixture
def oei_client(client, oei):
    client.force_login(oei)
    return client


@pytest.fixture
def city(course):
    """Parks: 6 people, 2 done (one 3 days ago), 2 overdue, 2 due later. Transit: 2 people,
    1 done, 1 overdue. One requirement for everyone."""
    today = timezone.localdate()
    parks = DepartmentFactory(code="PARKS", name="Parks and Recreation")
    transit = DepartmentFactory(code="TRANSIT", name="Transit")
    requirement = TrainingRequirementFactory(
        course=course, name="Everyone: federal agents", active_from=today - timedelta(days=90)
    )
    people = {
        "parks": [EmployeeFactory(department=parks) for _ in range(6)],
        "transit": [EmployeeFactory(department=transit) for _ in range(2)],
    }
    assignments_sync()
    complete(people["parks"][0], course, days_ago=3)
    complete(people["parks"][1], course)
    complete(people["transit"][0], course)
    for employee in (people["parks"][2], people["parks"][3], people["transit"][1]):
        set_due(employee, requirement, today - timedelta(days=5))
    for employee in (people["parks"][4], people["parks"][5]):
        set_due(employee, requirement, today + timedelta(days=60))
    liaison = LiaisonFactory(department=parks, user__first_name="Ana", user__last_name="Ruiz")
    return {
        "parks": parks,
        "transit": transit,
        "requirement": requirement,
        "people": people,
        "liaison": liaison.user,
        "course": course,
    }
