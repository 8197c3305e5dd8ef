"""The Parks liaison works through their department's dashboard in the browser (EO §5)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from courses.models import CoursePage
from lms.compliance.models import (
    Assignment,
    Extension,
    ReminderRequest,
    RosterConfirmation,
    TrainingRequirement,
)
from lms.compliance.services import assignments_sync
from lms.demo.people import DEMO_PASSWORD
from lms.reminders.models import Digest
from tests.browser.pages import DashboardScreen, LoginScreen

ICE_COURSE = "Encountering federal immigration agents at City facilities"
LIAISON = "liaison.parks"
OVERDUE = ["employee01", "employee02", "employee03"]  # Chavez, Begay, Johnson (Parks)


@pytest.fixture
def overdue_requirement(demo):
    """The ICE course required of everyone, with three Parks employees overdue."""
    course = CoursePage.objects.get(title=ICE_COURSE, locale__language_code="en")
    requirement = TrainingRequirement.objects.filter(
        course=course, audience=TrainingRequirement.Audience.ALL, is_active=True
    ).first() or TrainingRequirement.objects.create(
        name="Everyone: encountering federal agents",
        course=course,
        audience=TrainingRequirement.Audience.ALL,
        due_days=30,
        active_from=timezone.localdate() - timedelta(days=60),
    )
    assignments_sync()
    Assignment.objects.filter(requirement=requirement, employee__user__username__in=OVERDUE).update(
        due_on=timezone.localdate() - timedelta(days=10)
    )
    return requirement


def assignment_of(username: str, requirement) -> Assignment:
    return Assignment.objects.get(employee__user__username=username, requirement=requirement)


def test_liaison_filters_exports_reminds_and_confirms(page: Page, overdue_requirement, axe):
    requirement = overdue_requirement
    overdue = [assignment_of(username, requirement) for username in OVERDUE]
    overdue_names = sorted(a.employee.full_name for a in overdue)

    LoginScreen(page).open().log_in(LIAISON, DEMO_PASSWORD)
    dashboard = DashboardScreen(page).open_from_the_menu()
    # a liaison of one department lands on it
    expect(dashboard.heading()).to_have_text("Compliance: Parks and Recreation")
    expect(page.get_by_text("This roster has not been confirmed yet.")).to_be_visible()
    axe(page)

    dashboard.filter(status="Overdue", requirement=requirement.name)
    expect(dashboard.roster()).to_have_count(3)
    assert sorted(dashboard.roster_names()) == overdue_names
    axe(page)

    rows = dashboard.export()
    assert sorted(f"{r['First name']} {r['Last name']}" for r in rows) == overdue_names
    assert {(r["Requirement"], r["Status"]) for r in rows} == {(requirement.name, "Overdue")}

    dashboard.select(overdue[0]).select(overdue[1]).send_reminders()
    assert "2 reminders queued; 0 already reminded today." in dashboard.message()
    # back on the same filters, the two marked as reminded today
    expect(dashboard.roster()).to_have_count(3)
    expect(dashboard.roster().get_by_text("Reminded today")).to_have_count(2)
    axe(page)
    assert set(ReminderRequest.objects.values_list("employee_id", flat=True)) == {
        overdue[0].employee_id,
        overdue[1].employee_id,
    }
    # ... carried out by the reminders outbox: one message each, sent, keyed by the request.
    assert set(
        Digest.objects.filter(kind=Digest.Kind.NUDGE, sent_at__isnull=False).values_list(
            "request__employee_id", flat=True
        )
    ) == {overdue[0].employee_id, overdue[1].employee_id}

    dashboard.confirm_roster()
    assert "You confirmed that the roster of Parks and Recreation is accurate." in (
        dashboard.message()
    )
    expect(page.locator("#last-confirmation")).to_contain_text(
        "Last confirmed as accurate by Theresa Maestas"
    )
    axe(page)
    assert RosterConfirmation.objects.get().confirmed_by.username == LIAISON

    # The people confirmed, on a page of their own.
    page.get_by_role("link", name=re.compile(r"See the roster as confirmed \(\d+ people\)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The roster of Parks and Recreation as confirmed"
    )
    expect(page.locator("table tbody tr")).to_have_count(
        RosterConfirmation.objects.get().employee_count
    )
    axe(page)


def test_liaison_grants_an_extension(page: Page, overdue_requirement, axe):
    requirement = overdue_requirement
    late = assignment_of(OVERDUE[0], requirement)
    LoginScreen(page).open().log_in(LIAISON, DEMO_PASSWORD)
    dashboard = DashboardScreen(page).open_from_the_menu()
    dashboard.filter(status="Overdue", requirement=requirement.name)

    assignment = dashboard.open_assignment(late.employee.full_name)
    expect(assignment.heading()).to_have_text(f"{late.employee.full_name}: {requirement.name}")
    axe(page)

    new_due = timezone.localdate() + timedelta(days=30)
    assignment.grant_extension(until=new_due, reason="On leave until next month")
    expect(page.get_by_text("Extension granted")).to_be_visible()
    expect(page.get_by_role("cell", name="On leave until next month")).to_be_visible()
    axe(page)
    extension = Extension.objects.get(assignment=late)
    assert (extension.new_due_on, extension.granted_by.username) == (new_due, LIAISON)
