"""Each assignment keeps a copy of the facts its status is computed from (its first and
latest completion, its latest extension), written in the same transaction as the records
themselves."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from courses import services as course_services
from lms.compliance.events import standing_changed
from lms.compliance.models import Assignment
from lms.compliance.selectors import Status, with_status
from lms.compliance.services import assignment_facts_refresh, assignments_sync, extension_grant
from tests.factories import (
    CompletionFactory,
    EmployeeFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
FACTS = (
    "first_completed_at",
    "latest_completion_edition",
    "latest_completed_at",
    "latest_expires_at",
    "extended_due_on",
)


def facts() -> dict[int, tuple]:
    return {row[0]: row[1:] for row in Assignment.objects.values_list("pk", *FACTS)}


def complete_by_reading(employee, course, *, days_ago=0):
    for lesson in course.lessons():
        course_services.lesson_complete(
            employee=employee, lesson=lesson, now=timezone.now() - timedelta(days=days_ago)
        )


def test_a_completion_through_the_course_updates_every_assignment_of_its_course(course):
    TrainingRequirementFactory(course=course, name="Everyone")
    TrainingRequirementFactory(course=course, name="Supervisors again")
    employee, bystander = EmployeeFactory(), EmployeeFactory()
    assignments_sync(today=TODAY)
    complete_by_reading(employee, course)
    mine = Assignment.objects.filter(employee=employee)
    assert mine.count() == 2
    assert {a.latest_completion_edition for a in mine} == {course.edition}
    assert all(a.latest_completed_at is not None for a in mine)
    assert not Assignment.objects.filter(
        employee=bystander, latest_completed_at__isnull=False
    ).exists()


def test_someone_assigned_after_completing_is_completed_at_once(course):
    employee = EmployeeFactory()
    complete_by_reading(employee, course, days_ago=20)
    requirement = TrainingRequirementFactory(course=course)
    assignments_sync(today=TODAY)
    assignment = Assignment.objects.get(employee=employee, requirement=requirement)
    assert assignment.latest_completion_edition == course.edition
    rows = with_status(Assignment.objects.all(), requirements=[requirement], today=TODAY)
    assert rows.get(pk=assignment.pk).status == Status.COMPLETED


def test_the_latest_extension_is_kept_on_the_assignment(course):
    TrainingRequirementFactory(course=course)
    employee = EmployeeFactory()
    assignments_sync(today=TODAY)
    assignment = Assignment.objects.get(employee=employee)
    oei = UserFactory()
    extension_grant(
        assignment=assignment, new_due_on=TODAY + timedelta(days=60), reason="Leave", granted_by=oei
    )
    extension_grant(
        assignment=assignment, new_due_on=TODAY + timedelta(days=90), reason="More", granted_by=oei
    )
    assignment.refresh_from_db()
    assert assignment.extended_due_on == TODAY + timedelta(days=90)


def test_the_highest_edition_counts_before_a_later_completion_of_an_older_one(course):
    TrainingRequirementFactory(course=course)
    employee = EmployeeFactory()
    assignments_sync(today=TODAY)
    now = timezone.now()
    CompletionFactory(
        course=course,
        enrollment__employee=employee,
        enrollment__course_edition=2,
        completed_at=now - timedelta(days=10),
    )
    CompletionFactory(
        course=course,
        enrollment__employee=employee,
        enrollment__course_edition=1,
        completed_at=now - timedelta(days=1),
    )
    assignment = Assignment.objects.get(employee=employee)
    assert assignment.latest_completion_edition == 2
    assert assignment.latest_completed_at == now - timedelta(days=10)


def test_the_first_completion_stays_the_earliest_whatever_the_order_recorded(course):
    TrainingRequirementFactory(course=course)
    employee = EmployeeFactory()
    assignments_sync(today=TODAY)
    now = timezone.now()
    for cycle, days_ago in enumerate((30, 400, 2), start=1):  # refresher cycles
        CompletionFactory(
            course=course,
            enrollment__employee=employee,
            enrollment__cycle=cycle,
            completed_at=now - timedelta(days=days_ago),
        )
    assignment = Assignment.objects.get(employee=employee)
    assert assignment.first_completed_at == now - timedelta(days=400)
    assert assignment.latest_completed_at == now - timedelta(days=2)


def test_a_refresh_from_the_records_gives_what_the_services_kept(course):
    """What the migration and the bulk writers (demo history, benchmarks) rely on."""
    requirement = TrainingRequirementFactory(course=course, recertify_months=12)
    people = [EmployeeFactory() for _ in range(4)]
    assignments_sync(today=TODAY)
    complete_by_reading(people[0], course, days_ago=400)
    complete_by_reading(people[1], course, days_ago=3)
    extension_grant(
        assignment=Assignment.objects.get(employee=people[2]),
        new_due_on=TODAY + timedelta(days=45),
        reason="Leave",
        granted_by=UserFactory(),
    )
    kept = facts()
    assert sum(1 for row in kept.values() if row[0] is not None) == 2
    Assignment.objects.update(**dict.fromkeys(FACTS))
    assignment_facts_refresh()
    assert facts() == kept
    statuses = dict(
        with_status(Assignment.objects.all(), requirements=[requirement], today=TODAY).values_list(
            "employee_id", "status"
        )
    )
    assert statuses[people[0].pk] == Status.EXPIRED
    assert statuses[people[1].pk] == Status.COMPLETED


def test_refresh_command_repairs_facts_changed_outside_the_lms(course):
    from io import StringIO

    from django.core.management import call_command

    requirement = TrainingRequirementFactory(course=course)
    employee = EmployeeFactory()
    assignments_sync(today=TODAY)
    complete_by_reading(employee, course)
    Assignment.objects.update(latest_completion_edition=None, latest_completed_at=None)
    out = StringIO()
    call_command("refresh_assignments", stdout=out)
    assert "1 assignment recomputed." in out.getvalue()
    assignment = Assignment.objects.get(employee=employee, requirement=requirement)
    assert assignment.latest_completion_edition == course.edition


def test_a_completion_names_exactly_the_pairs_whose_standing_it_changed(course):
    """Reports recompute the (department, requirement) pairs that compliance names: those of
    the holder's assignments the completion updated, found without a query of their own; a
    completion that counts for no assignment names none."""
    everyone = TrainingRequirementFactory(course=course, name="Everyone")
    TrainingRequirementFactory(course=course, name="Liaisons", audience="liaisons")
    TrainingRequirementFactory(name="Another course")
    employee, outsider = EmployeeFactory(), EmployeeFactory()
    assignments_sync(today=TODAY)
    Assignment.objects.filter(employee=outsider).delete()
    sent = []

    def record(sender, department_ids, requirement_ids, **kwargs):
        sent.append((department_ids, requirement_ids))

    standing_changed.connect(record, dispatch_uid="test.pairs")
    try:
        complete_by_reading(employee, course)
        assert sent == [(frozenset({employee.department_id}), frozenset({everyone.pk}))]
        sent.clear()
        complete_by_reading(outsider, course)
        assert sent == []
    finally:
        standing_changed.disconnect(dispatch_uid="test.pairs")
