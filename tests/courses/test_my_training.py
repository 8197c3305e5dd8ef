""" "My training" lists what the employee must take, by when, and how far they are."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from courses import services as course_services
from lms.compliance.models import Assignment
from lms.compliance.services import assignments_sync, extension_grant
from tests.factories import (
    CoursePageFactory,
    DepartmentFactory,
    EmployeeFactory,
    LessonPageFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def course_with_a_lesson(parent, title):
    course = CoursePageFactory(parent=parent, title=title)
    LessonPageFactory(parent=course, title=f"{title}: the lesson")
    return course


def assigned_rows(response) -> list[dict]:
    """The "Assigned to you" table, one dict per row, keyed by column header."""
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.find(id="assigned-heading").find_parent("section")
    table = section.find("table")
    if table is None:
        return []
    assert table.caption.get_text(strip=True)
    headers = table.thead.find_all("th")
    assert all(th["scope"] == "col" for th in headers)
    rows = []
    for tr in table.tbody.find_all("tr"):
        header = tr.find("th")
        assert header["scope"] == "row"
        cells = tr.find_all("td")
        links = tr.find_all("a")
        rows.append(
            {
                "course": header.get_text(" ", strip=True),
                "course_href": header.a["href"] if header.a else None,
                "due": cells[0].get_text(" ", strip=True),
                "status": cells[1].get_text(" ", strip=True),
                "action": links[-1].get_text(" ", strip=True) if links else "",
                "action_href": links[-1]["href"] if links else None,
            }
        )
    return rows


def day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def test_lists_the_employees_assignments_with_due_dates_and_status(
    employee, employee_client, training_index
):
    today = timezone.localdate()
    commitments = course_with_a_lesson(training_index, "Immigrant-friendly commitments")
    agents = course_with_a_lesson(training_index, "Encountering federal agents")
    minors = course_with_a_lesson(training_index, "Trauma-informed protocols")
    TrainingRequirementFactory(course=commitments, due_days=60)
    TrainingRequirementFactory(course=agents, due_days=90)
    TrainingRequirementFactory(course=minors, due_days=30)
    assignments_sync()
    course_services.enrollment_start(employee=employee, course=agents)
    for lesson in minors.lessons():
        course_services.lesson_complete(employee=employee, lesson=lesson)

    rows = assigned_rows(employee_client.get(reverse("courses:my_training")))

    # Soonest due first.
    assert [row["course"] for row in rows] == [
        "Trauma-informed protocols",
        "Immigrant-friendly commitments",
        "Encountering federal agents",
    ]
    minors_row, commitments_row, agents_row = rows
    assert commitments_row["due"] == day(today + timedelta(days=60))
    assert commitments_row["status"] == "Not started"
    assert commitments_row["action"] == "Start Immigrant-friendly commitments"
    assert commitments_row["course_href"] == commitments_row["action_href"] == commitments.url
    assert agents_row["due"] == day(today + timedelta(days=90))
    assert agents_row["status"] == "In progress"
    assert agents_row["action"] == "Continue Encountering federal agents"
    assert minors_row["status"] == "Completed"
    assert minors_row["action"] == "Review Trauma-informed protocols"


def test_overdue_and_extended_assignments_show_their_effective_due_date(
    employee, employee_client, training_index
):
    today = timezone.localdate()
    late = course_with_a_lesson(training_index, "Late course")
    extended = course_with_a_lesson(training_index, "Extended course")
    TrainingRequirementFactory(course=late)
    TrainingRequirementFactory(course=extended)
    assignments_sync(today=today - timedelta(days=40))  # both were due ten days ago
    extension_grant(
        assignment=Assignment.objects.get(requirement__course=extended),
        new_due_on=today + timedelta(days=45),
        reason="Medical leave",
        granted_by=UserFactory(),
    )

    rows = {
        row["course"]: row
        for row in assigned_rows(employee_client.get(reverse("courses:my_training")))
    }

    assert rows["Late course"]["status"] == "Overdue"
    assert rows["Late course"]["due"] == day(today - timedelta(days=10))
    assert rows["Extended course"]["status"] == "Not started"
    assert rows["Extended course"]["due"] == f"{day(today + timedelta(days=45))} (extended)"


def test_shows_only_the_users_own_active_assignments(employee, employee_client, training_index):
    mine = course_with_a_lesson(training_index, "Mine")
    theirs = course_with_a_lesson(training_index, "Someone else's")
    retired = course_with_a_lesson(training_index, "Retired requirement")
    TrainingRequirementFactory(course=mine)
    other_department = DepartmentFactory()
    EmployeeFactory(department=other_department)
    for_others = TrainingRequirementFactory(course=theirs, audience="departments")
    for_others.departments.set([other_department])
    for_others.save()
    old = TrainingRequirementFactory(course=retired)
    assignments_sync()
    old.is_active = False
    old.save()
    assignments_sync(requirements=[old])

    response = employee_client.get(reverse("courses:my_training"))

    assert [row["course"] for row in assigned_rows(response)] == ["Mine"]
    assert Assignment.objects.filter(requirement__course=theirs).exists()
    assert Assignment.objects.get(requirement=old, employee=employee).is_active is False


def test_empty_state_when_nothing_is_assigned(employee_client, training_index):
    EmployeeFactory()  # someone else, with an assignment
    TrainingRequirementFactory(course=course_with_a_lesson(training_index, "Others only"))
    Assignment.objects.all().delete()  # none at all yet
    response = employee_client.get(reverse("courses:my_training"))

    assert assigned_rows(response) == []
    assert "Nothing is assigned to you at the moment." in response.content.decode()
    # The other sections are still there.
    assert "You have no course in progress." in response.content.decode()
    assert "You have not completed a course yet." in response.content.decode()


def test_a_user_without_an_employee_record_sees_the_empty_state(client, training_index):
    client.force_login(UserFactory())

    response = client.get(reverse("courses:my_training"))

    assert assigned_rows(response) == []
    assert "Nothing is assigned to you at the moment." in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_assignments(
    employee, employee_client, training_index
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert employee_client.get(reverse("courses:my_training")).status_code == 200
        return len(captured)

    TrainingRequirementFactory(course=course_with_a_lesson(training_index, "First"))
    assignments_sync()
    queries()  # the first request fills caches (the site's root paths)
    one = queries()
    for title in ("Second", "Third", "Fourth"):
        TrainingRequirementFactory(course=course_with_a_lesson(training_index, title))
    assignments_sync()
    assert len(assigned_rows(employee_client.get(reverse("courses:my_training")))) == 4

    assert queries() == one
