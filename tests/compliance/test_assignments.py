"""Requirements assign themselves, and every assignment's status is computed in one place."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from courses import services as course_services
from lms.compliance.models import Assignment, Exemption, Extension, TrainingRequirement
from lms.compliance.selectors import Status, assignments_for, with_status
from lms.compliance.services import (
    assignment_facts_refresh,
    assignments_sync,
    due_date,
    extension_grant,
)
from tests.factories import (
    EmployeeFactory,
    LiaisonFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)


def statuses(requirement, today=TODAY):
    rows = with_status(
        Assignment.objects.filter(requirement=requirement, is_active=True),
        requirements=[requirement],
        today=today,
    )
    return {a.employee_id: a.status for a in rows}


def test_audiences(course, parks, transit):
    ranger = EmployeeFactory(department=parks, job_title="Park Ranger")
    driver = EmployeeFactory(department=transit, job_title="Motor Coach Operator")
    liaison = LiaisonFactory(department=transit)
    liaison_employee = EmployeeFactory(user=liaison.user, department=transit)
    everyone = TrainingRequirementFactory(course=course)
    by_department = TrainingRequirementFactory(
        course=course, audience=TrainingRequirement.Audience.DEPARTMENTS
    )
    by_department.departments.set([parks])
    by_department.save()
    by_title = TrainingRequirementFactory(
        course=course, audience="job_titles", job_titles="Motor Coach Operator\n"
    )
    liaisons = TrainingRequirementFactory(course=course, audience="liaisons")

    assignments_sync(today=TODAY)

    def people(requirement):
        return set(requirement.assignments.values_list("employee_id", flat=True))

    assert people(everyone) == {ranger.pk, driver.pk, liaison_employee.pk}
    assert people(by_department) == {ranger.pk}
    assert people(by_title) == {driver.pk}
    assert people(liaisons) == {liaison_employee.pk}


def test_sync_is_idempotent_and_follows_transfers_and_leavers(course, parks, transit):
    requirement = TrainingRequirementFactory(course=course, audience="departments")
    requirement.departments.set([parks])
    requirement.save()
    mover, leaver = EmployeeFactory(department=parks), EmployeeFactory(department=parks)
    first = assignments_sync(today=TODAY)
    assert first.created == 2
    assert assignments_sync(today=TODAY).created == 0

    mover.department = transit
    mover.save()
    leaver.is_active = False
    leaver.save()
    stats = assignments_sync(today=TODAY)
    assert stats.deactivated == 2
    assert Assignment.objects.filter(is_active=False).count() == 2  # kept, not deleted

    mover.department = parks
    mover.save()
    assert assignments_sync(today=TODAY, employee_ids=[mover.pk]).reactivated == 1


def test_due_dates_count_from_assignment_or_hire_date(course):
    requirement = TrainingRequirementFactory.build(course=course, due_days=30)
    assert due_date(requirement=requirement, hire_date=date(2010, 1, 1), assigned_on=TODAY) == (
        TODAY + timedelta(days=30)
    )
    requirement.due_basis = TrainingRequirement.DueBasis.HIRE_DATE
    new_hire = TODAY + timedelta(days=7)
    assert due_date(requirement=requirement, hire_date=new_hire, assigned_on=TODAY) == (
        new_hire + timedelta(days=30)
    )
    # staff hired long ago still get the full period from the day it was assigned
    assert due_date(requirement=requirement, hire_date=date(2010, 1, 1), assigned_on=TODAY) == (
        TODAY + timedelta(days=30)
    )


def test_future_and_inactive_requirements_assign_nobody(course):
    EmployeeFactory()
    TrainingRequirementFactory(course=course, active_from=TODAY + timedelta(days=1))
    TrainingRequirementFactory(course=course, is_active=False)
    assert assignments_sync(today=TODAY).created == 0


def test_statuses(course):
    requirement = TrainingRequirementFactory(course=course, due_days=30)
    (not_started, started, soon, overdue, extended, exempt, done) = [
        EmployeeFactory() for _ in range(7)
    ]
    assignments_sync(today=TODAY - timedelta(days=20))  # due TODAY + 10
    Assignment.objects.filter(employee=overdue).update(due_on=TODAY - timedelta(days=1))
    Assignment.objects.filter(employee__in=[not_started, started]).update(
        due_on=TODAY + timedelta(days=60)
    )
    Assignment.objects.filter(employee=extended).update(due_on=TODAY - timedelta(days=1))
    oei = UserFactory()
    extension_grant(
        assignment=Assignment.objects.get(employee=extended),
        new_due_on=TODAY + timedelta(days=60),
        reason="Medical leave",
        granted_by=oei,
    )
    Exemption.objects.create(
        assignment=Assignment.objects.get(employee=exempt), reason="Seasonal", granted_by=oei
    )
    course_services.enrollment_start(employee=started, course=course)
    for lesson in course.lessons():
        course_services.lesson_complete(employee=done, lesson=lesson)

    assert statuses(requirement) == {
        not_started.pk: Status.NOT_STARTED,
        started.pk: Status.IN_PROGRESS,
        soon.pk: Status.DUE_SOON,
        overdue.pk: Status.OVERDUE,
        extended.pk: Status.NOT_STARTED,
        exempt.pk: Status.EXEMPT,
        done.pk: Status.COMPLETED,
    }


def test_recertification_window_and_expiry(course):
    requirement = TrainingRequirementFactory(course=course, recertify_months=12, window_days=30)
    employee = EmployeeFactory()
    assignments_sync(today=TODAY)
    for lesson in course.lessons():
        course_services.lesson_complete(
            employee=employee, lesson=lesson, now=timezone.now() - timedelta(days=350)
        )
    assert statuses(requirement)[employee.pk] == Status.DUE_SOON
    from courses.models import Completion

    # Age the record (the LMS never changes one: the test goes past the guard of
    # Completion.objects with the plain base manager) and the assignment's copy of it.
    Completion._base_manager.filter(employee=employee).update(
        completed_at=timezone.now() - timedelta(days=400)
    )
    assignment_facts_refresh()
    assert statuses(requirement)[employee.pk] == Status.EXPIRED


def test_scoping_liaison_sees_only_their_departments(course, parks, transit):
    TrainingRequirementFactory(course=course)
    mine, theirs = EmployeeFactory(department=parks), EmployeeFactory(department=transit)
    liaison = LiaisonFactory(department=parks).user
    assignments_sync(today=TODAY)
    visible = set(assignments_for(user=liaison).values_list("employee_id", flat=True))
    assert visible == {mine.pk}
    assert set(assignments_for(user=theirs.user).values_list("employee_id", flat=True)) == {
        theirs.pk
    }


def test_extensions_only_move_the_deadline_later_and_never_by_oneself(course):
    from lms.compliance.services import ApplicationError, exemption_grant, extension_grant

    TrainingRequirementFactory(course=course)
    employee = EmployeeFactory()
    assignments_sync(today=TODAY)
    assignment = Assignment.objects.get(employee=employee)
    oei = UserFactory()
    extension_grant(
        assignment=assignment,
        new_due_on=assignment.due_on + timedelta(days=30),
        reason="Leave",
        granted_by=oei,
    )
    with pytest.raises(ApplicationError):  # shorter than the extension already granted
        extension_grant(
            assignment=assignment,
            new_due_on=assignment.due_on + timedelta(days=10),
            reason="Again",
            granted_by=oei,
        )
    with pytest.raises(ApplicationError) as excinfo:
        exemption_grant(assignment=assignment, reason="Me", until=None, granted_by=employee.user)
    assert excinfo.value.status == 403
    assert Extension.objects.count() == 1 and not Exemption.objects.exists()
