"""A refresher is sent to exactly those the dashboards show in their recertification window.

The reminders' scan and compliance's status compare the latest completion with the same
threshold (``lms.organisation.dates.window_open_if_completed_before``); this checks the two
agree on people whose window opened on every day of three months, across month ends (a cycle of
two months with a 25-day window crosses months of 30 and 31 days).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services as course_services
from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import Status, with_status
from lms.compliance.services import assignments_sync
from lms.organisation import dates
from lms.reminders.models import ReminderLog, ReminderPolicy
from lms.reminders.services import scan
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

MONTHS, WINDOW = 2, 25


def test_the_refresher_goes_to_those_in_their_window_on_the_dashboard(parks, requirement, course):
    TrainingRequirement.objects.filter(pk=requirement.pk).update(
        recertify_months=MONTHS, window_days=WINDOW
    )
    now, today = timezone.now(), timezone.localdate()
    day_end = scan._day_end(today)
    opening = {}
    for days_ago in range(0, 90, 2):
        employee = EmployeeFactory(department=parks)
        completed_at = now - timedelta(days=days_ago, hours=6)
        for lesson in course.lessons():
            course_services.lesson_complete(employee=employee, lesson=lesson, now=completed_at)
        opens = dates.recertification_opens(dates.expiry(completed_at, MONTHS), WINDOW)
        # The scan runs for the whole day, the dashboard for this moment: leave out the
        # windows that open between the two.
        if not now <= opens < day_end:
            opening[employee.pk] = opens
    assignments_sync(requirements=[requirement], employee_ids=list(opening), today=today)
    assignments = Assignment.objects.filter(employee_id__in=opening)
    assert assignments.count() == len(opening)
    shown = {
        a.employee_id
        for a in with_status(
            assignments, requirements=[TrainingRequirement.objects.get(pk=requirement.pk)]
        )
        if a.status in (Status.DUE_SOON, Status.EXPIRED)
    }
    sent = {
        row.employee_id
        for row in scan.candidate_rows(policy=ReminderPolicy.load(), today=today)
        if row.kind == ReminderLog.Kind.REFRESHER
    }
    expected = {pk for pk, opens in opening.items() if opens <= now}
    assert len(expected) > 10
    assert len(opening) - len(expected) > 10
    assert shown == expected
    assert sent == expected
