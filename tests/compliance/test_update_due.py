"""Issue 16, "a new edition wipes compliance at once": a holder of a superseded edition stays
compliant, with an update due, until the update's due date; then they are overdue. Retaking
the new edition makes them completed again; an expired superseded completion is expired."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from courses import services as course_services
from lms.compliance import selectors
from lms.compliance.models import Assignment
from lms.compliance.selectors import Status
from lms.compliance.services import assignments_sync, extension_grant
from lms.organisation import roles
from lms.reports import selectors as report_selectors
from tests.conftest import complete
from tests.factories import EmployeeFactory, TrainingRequirementFactory, UserFactory

pytestmark = pytest.mark.django_db

GRACE_DAYS = 21


@pytest.fixture
def editor():
    roles.roles_sync()
    return UserFactory(roles=[roles.CONTENT_EDITOR])


def publish_edition(course, editor, *, grace_days=GRACE_DAYS):
    """Edition 2 of ``course``, published now through the courses' services."""
    course_services.course_edition_prepare(
        course=course,
        summary="Section 7: the City Attorney's new memo.",
        changed_lessons=[],
        grace_days=grace_days,
        user=editor,
    )
    edition = course_services.course_edition_publish(course=course, user=editor)
    course.refresh_from_db()
    return edition


def statuses(requirement, *, today=None):
    assignments = selectors.with_status(
        Assignment.objects.filter(requirement=requirement), requirements=[], today=today
    )
    return {a.employee_id: a.status for a in assignments}


def holders(city):
    return [city["people"]["parks"][0], city["people"]["parks"][1], city["people"]["transit"][0]]


def test_a_new_edition_keeps_citywide_compliance_until_the_update_is_due(city, oei, editor):
    before = report_selectors.citywide_figures(user=oei).total
    assert (before.compliant, before.percent_compliant) == (3, 37)

    edition = publish_edition(city["course"], editor)

    # The same day nothing changes in compliance: the holders owe an update, nothing more.
    after = report_selectors.citywide_figures(user=oei).total
    assert (after.assigned, after.compliant, after.percent_compliant) == (8, 3, 37)
    assert after.overdue == before.overdue
    assert after.updates_due == 3
    by_employee = statuses(city["requirement"])
    for employee in holders(city):
        assert by_employee[employee.pk] == Status.UPDATE_DUE
        (mine,) = selectors.my_assignments_of(employee=employee)
        assert mine.effective_due_on == edition.due_on == timezone.localdate() + timedelta(21)
        # "Last completed" still says when, and which edition.
        assert mine.latest_completion_edition == 1
    assert Status.UPDATE_DUE in Status.COMPLIANT

    # Up to the due date itself they stay compliant...
    on_the_day = report_selectors.citywide_figures(user=oei, today=edition.due_on).total
    assert (on_the_day.compliant, on_the_day.updates_due) == (3, 3)
    # ...after it, those who did not retake are overdue; whoever retook is completed.
    retaker = city["people"]["parks"][1]
    complete(retaker, city["course"])
    later = edition.due_on + timedelta(days=1)
    by_employee = statuses(city["requirement"], today=later)
    assert by_employee[retaker.pk] == Status.COMPLETED
    assert by_employee[city["people"]["parks"][0].pk] == Status.OVERDUE
    assert by_employee[city["people"]["transit"][0].pk] == Status.OVERDUE
    late = report_selectors.citywide_figures(user=oei, today=later).total
    assert (late.compliant, late.updates_due, late.overdue) == (1, 0, 5)


def test_the_holders_see_update_due_by_the_date(city, editor, client):
    edition = publish_edition(city["course"], editor)
    employee = city["people"]["parks"][0]
    client.force_login(employee.user)
    page = client.get(reverse("courses:my_training")).content.decode()
    when = date_format(edition.due_on, "DATE_FORMAT")
    assert f"Update due by {when}" in page
    assert "lms-status--update_due" in page
    assert "Take the update" in page


def test_the_liaison_sees_update_due_and_the_edition_last_completed(city, editor, liaison_client):
    edition = publish_edition(city["course"], editor)
    page = liaison_client.get(reverse("compliance:department", args=["PARKS"])).content.decode()
    when = date_format(edition.due_on, "DATE_FORMAT")
    assert f"Update due by {when}" in page
    assert "(edition 1)" in page
    summary = selectors.roster_summary(
        selectors.department_assignments(user=city["liaison"], department=city["parks"])
    )
    assert summary.all.compliant == 2
    assert summary.all.update_due == 2


def test_an_extension_granted_later_still_moves_the_update(city, editor, oei):
    edition = publish_edition(city["course"], editor)
    employee = city["people"]["parks"][0]
    assignment = Assignment.objects.get(employee=employee)
    later = edition.due_on + timedelta(days=10)
    extension_grant(assignment=assignment, new_due_on=later, reason="On leave", granted_by=oei)
    in_the_extension = statuses(city["requirement"], today=edition.due_on + timedelta(days=5))
    assert in_the_extension[employee.pk] == Status.UPDATE_DUE
    after_it = statuses(city["requirement"], today=later + timedelta(days=1))
    assert after_it[employee.pk] == Status.OVERDUE


def test_an_expired_superseded_completion_is_expired(course, editor, parks):
    requirement = TrainingRequirementFactory(course=course, recertify_months=None)
    employee = EmployeeFactory(department=parks)
    assignments_sync()
    complete(employee, course, days_ago=40, expires_in_days=30)
    publish_edition(course, editor)
    assert statuses(requirement)[employee.pk] == Status.EXPIRED


def test_a_recertification_cycle_still_lapses_a_superseded_completion(course, editor, parks):
    requirement = TrainingRequirementFactory(course=course, recertify_months=12, window_days=30)
    employee = EmployeeFactory(department=parks)
    assignments_sync()
    complete(employee, course, days_ago=400)
    publish_edition(course, editor)
    (row,) = selectors.with_status(
        Assignment.objects.filter(employee=employee), requirements=[requirement]
    )
    assert row.status == Status.EXPIRED


def test_someone_assigned_after_the_edition_owes_the_update_by_the_editions_date(
    course, editor, parks
):
    employee = EmployeeFactory(department=parks)
    complete(employee, course, days_ago=10)
    edition = publish_edition(course, editor)
    requirement = TrainingRequirementFactory(course=course, recertify_months=None, due_days=90)
    assignments_sync()
    assignment = Assignment.objects.get(employee=employee, requirement=requirement)
    assert assignment.update_due_on == edition.due_on
    assert statuses(requirement)[employee.pk] == Status.UPDATE_DUE


def test_the_roster_export_says_the_update_due_and_the_edition_last_completed(
    city, editor, liaison_client
):
    edition = publish_edition(city["course"], editor)
    response = liaison_client.get(reverse("compliance:export", args=["PARKS"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    holder = city["people"]["parks"][0]
    (row,) = [r for r in rows if r[0] == holder.employee_number]
    assert row[header.index("Status")] == "Update due"
    assert row[header.index("Due date")] == edition.due_on.isoformat()
    assert row[header.index("Last completed")] != ""
    assert row[header.index("Edition completed")] == "1"
