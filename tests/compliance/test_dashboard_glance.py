"""The liaison dashboard opens with four summary figures (issue 20), read from the same
roster summary as its table."""

import re
from datetime import timedelta

import pytest

from lms.compliance import selectors
from lms.compliance.models import Assignment
from lms.compliance.selectors import DUE_WITHIN_DAYS
from lms.compliance.services import assignments_sync
from tests.compliance.test_dashboard import (  # noqa: F401 - fixtures
    complete,
    dashboard_url,
    mix,
    person,
    set_due,
    today,
)
from tests.factories import TrainingRequirementFactory

pytestmark = pytest.mark.django_db


def box(content: str, name: str) -> str:
    found = re.search(rf'id="glance-{name}"[^>]*>(.*?)</li>', content, re.DOTALL)
    assert found is not None, name
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_dashboard_opens_with_the_summary_boxes(liaison_client, mix):  # noqa: F811
    response = liaison_client.get(dashboard_url())
    content = response.content.decode()
    # First thing under the heading: before the roster confirmation and the tables.
    assert content.index('id="glance-heading"') < content.index('id="confirmation-heading"')
    assert content.count("usa-summary-box lms-glance__box") == 4
    # Parks: 12 assignments (two requirements of six), 3 compliant, 4 overdue, 2 due soon.
    assert box(content, "compliant").startswith("25% compliant (3 of 12 assignments)")
    assert box(content, "overdue").startswith("4 overdue")
    # Sofia is due in 3 days under both requirements; Luis's 60 days are too far.
    assert box(content, "due-30").startswith("2 due in the next 30 days")
    assert box(content, "update-due").startswith("0 updates due")
    # Nothing of Transit's overdue person.
    totals = response.context["summary"].all
    assert (totals.total, totals.overdue) == (12, 4)


@pytest.fixture
def due_dates(course, parks, today):  # noqa: F811
    """Parks, one requirement: people due in 10, 29 and 31 days, one who has completed (due in
    20 days), one overdue and one due today."""
    requirement = TrainingRequirementFactory(course=course, name="Induction")
    people = {days: person(parks, f"Due{days}", "Person") for days in (10, 29, 31, 20, -1, 0)}
    assignments_sync()
    for days, employee in people.items():
        set_due(employee, requirement, today + timedelta(days=days))
    complete(people[20], course)
    return people


def test_due_in_the_next_30_days_counts_what_is_owed_by_then(liaison, parks, due_dates, today):  # noqa: F811
    assert DUE_WITHIN_DAYS == 30
    assignments = selectors.department_assignments(user=liaison, department=parks)
    # 10 and 29 days, and today; not 31 days, not the completed one, not the overdue one
    assert selectors.roster_summary(assignments, today=today).all.due_within == 3
    # the "due soon" status keeps its own 14 days: only today's and the 10 days' assignments
    statuses = dict(assignments.values_list("employee__user__first_name", "status"))
    assert statuses["Due10"] == statuses["Due0"] == selectors.Status.DUE_SOON
    assert statuses["Due29"] == selectors.Status.NOT_STARTED
    assert statuses["Due20"] == selectors.Status.COMPLETED
    assert statuses["Due-1"] == selectors.Status.OVERDUE
    # a day later, the 31 days are 30 and count; the one due today is overdue and does not
    later = today + timedelta(days=1)
    assignments = selectors.department_assignments(user=liaison, department=parks, today=later)
    assert selectors.roster_summary(assignments, today=later).all.due_within == 3
    assert Assignment.objects.count() == 6


def test_the_dashboard_box_shows_due_in_the_next_30_days(liaison_client, due_dates):
    content = liaison_client.get(dashboard_url()).content.decode()
    assert box(content, "due-30") == "3 due in the next 30 days"
    assert 'id="glance-due-soon"' not in content
    liaison_client.cookies["django_language"] = "es"
    spanish = liaison_client.get(dashboard_url(), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert box(spanish, "due-30") == "3 vencen en los próximos 30 días"
