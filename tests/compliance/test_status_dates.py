"""compliance's statuses compare the latest completion with thresholds in SQL; they say what
lms/organisation/dates.py's forward arithmetic (expiry, recertification_opens) says."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from lms.compliance.models import Assignment
from lms.compliance.selectors import Status, with_status
from lms.compliance.services import assignments_sync
from lms.organisation import dates
from tests.factories import CompletionFactory, EmployeeFactory, TrainingRequirementFactory

pytestmark = pytest.mark.django_db
MARGIN = timedelta(days=4)  # months of 28 to 31 days; see tests/organisation/test_dates.py


def test_expired_and_due_soon_follow_the_forward_arithmetic(course):
    rng = random.Random(15)
    requirement = TrainingRequirementFactory(course=course, recertify_months=12, window_days=45)
    people = [EmployeeFactory() for _ in range(40)]
    assignments_sync()
    now = timezone.now()
    completed = {}
    for person in people:
        completed_at = now - timedelta(minutes=rng.randrange(800 * 24 * 60))
        CompletionFactory(course=course, enrollment__employee=person, completed_at=completed_at)
        completed[person.pk] = completed_at
    statuses = dict(
        with_status(Assignment.objects.all(), requirements=[requirement]).values_list(
            "employee_id", "status"
        )
    )
    seen = set()
    for employee_id, completed_at in completed.items():
        expires_at = dates.expiry(completed_at, 12)
        opens = dates.recertification_opens(expires_at, 45)
        if now >= expires_at + MARGIN:
            want = Status.EXPIRED
        elif opens + MARGIN <= now < expires_at - MARGIN:
            want = Status.DUE_SOON
        elif now < opens - MARGIN:
            want = Status.COMPLETED
        else:
            continue  # within a few days of a threshold
        assert statuses[employee_id] == want, (completed_at, now)
        seen.add(want)
    assert seen == {Status.EXPIRED, Status.DUE_SOON, Status.COMPLETED}
