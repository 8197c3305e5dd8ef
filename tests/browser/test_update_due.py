"""Issue 16, done when: a new edition is published, citywide compliance with that course is
unchanged on the OEI dashboard that day, and falls only for those who let the grace date pass.

The editor submits edition 2 with 21 days' grace and a legal reviewer approves it, in their own
browsers; OEI reads the dashboard before, the same day, and after the grace date. The grace
period passing is played by moving the update's due date of those who did not retake to
yesterday (the data's dates; the live server's clock is the real one)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from courses.models import Completion, CourseEdition, CoursePage
from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.selectors import Status, my_assignments_of
from lms.demo import content
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Employee
from lms.reports.selectors import ReportFilters, all_assignments, figures_from_rows, figures_query
from tests.browser.pages import (
    AdminLoginScreen,
    AdminPageEditorScreen,
    LoginScreen,
    MyTrainingScreen,
    ReportsDashboardScreen,
)
from tests.browser.test_new_edition import CHANGED_LESSON, ICE_COURSE, compliant_learner
from tests.courses.test_editions import take

pytestmark = pytest.mark.browser

OEI = "oei.admin"
GRACE_DAYS = 21


def figures_of(requirement):
    """The requirement's citywide counts, as the dashboard computes them."""
    assignments = all_assignments(ReportFilters(requirement=requirement))
    return figures_from_rows(figures_query(assignments)).total


def test_a_new_edition_keeps_compliance_until_the_grace_date_passes(demo, open_tab, axe):
    course = CoursePage.objects.get(slug=content.ENCOUNTERS.slug, locale__language_code="en")
    requirement = TrainingRequirement.objects.get(course=course)
    learner = compliant_learner(course)  # reads English, completed edition 1
    before = figures_of(requirement)
    assert before.compliant > 0 and before.updates_due == 0

    oei = open_tab()
    LoginScreen(oei).open().log_in(OEI, DEMO_PASSWORD)
    dashboard = ReportsDashboardScreen(oei).choose_language("en").open_from_the_menu()
    dashboard.filter_requirement(requirement.name)
    percent_before = dashboard.figure("percent_compliant")
    assert percent_before == f"{before.percent_compliant}%"
    assert dashboard.figure("updates_due") == "0"
    axe(oei)

    editor_submits_a_new_edition_with_grace(open_tab(), course, axe)
    legal_reviewer_approves(open_tab(), course, axe)
    edition = CourseEdition.objects.get(course=course, number=course.edition + 1)
    assert edition.due_on == timezone.localdate() + timedelta(days=GRACE_DAYS)
    holders = Assignment.objects.filter(
        requirement=requirement,
        is_active=True,
        employee__is_active=True,
        latest_completion_edition__lt=edition.number,
    )
    count = holders.count()
    assert count == before.compliant - before.exempt > 1

    # The same day: citywide compliance with the course is unchanged; the holders owe updates.
    oei.reload()
    expect(oei.locator('.lms-figures [data-figure="percent_compliant"]')).to_have_text(
        percent_before
    )
    assert dashboard.figure("updates_due") == str(count)
    axe(oei)

    # A holder sees the update due by the edition's date, and is still compliant.
    employee_tab = open_tab()
    LoginScreen(employee_tab).open().log_in(learner.user.username, DEMO_PASSWORD)
    training = MyTrainingScreen(employee_tab).open()
    when = date_format(edition.due_on, "DATE_FORMAT")
    expect(training.status(ICE_COURSE)).to_have_text(f"Update due by {when}")
    axe(employee_tab)

    # One holder takes the update in time; the others let the grace date pass.
    retaker = Employee.objects.get(pk=holders.exclude(employee=learner).first().employee_id)
    course.refresh_from_db()
    take(retaker, course, timezone.now())
    assert Completion.objects.filter(employee=retaker, course_edition=edition.number).exists()
    yesterday = timezone.localdate() - timedelta(days=1)
    Assignment.objects.filter(pk__in=holders.values("pk")).update(update_due_on=yesterday)

    after = figures_of(requirement)
    assert after.compliant == before.compliant - (count - 1)
    assert after.overdue == before.overdue + count - 1
    assert after.updates_due == 0
    oei.reload()
    expect(oei.locator('.lms-figures [data-figure="percent_compliant"]')).to_have_text(
        f"{after.percent_compliant}%"
    )
    assert after.percent_compliant < before.percent_compliant
    assert dashboard.figure("updates_due") == "0"
    axe(oei)

    training.open()
    expect(training.status(ICE_COURSE)).to_have_text("Overdue")
    axe(employee_tab)
    (mine,) = [a for a in my_assignments_of(employee=retaker) if a.requirement == requirement]
    assert mine.status == Status.COMPLETED


def editor_submits_a_new_edition_with_grace(page, course, axe):
    """The editor submits the course as a new edition with 21 days' grace."""
    AdminLoginScreen(page).open().log_in("editor", DEMO_PASSWORD)
    editing = AdminPageEditorScreen(page).open(course.pk)
    axe(page)
    new_edition = editing.new_edition()
    expect(new_edition.heading()).to_contain_text("New edition")
    axe(page)
    new_edition.submit(
        summary="Section 7: the City Attorney's new memo.",
        changed=[CHANGED_LESSON],
        grace_days=GRACE_DAYS,
    )
    expect(new_edition.submitted_notice()).to_be_visible()
    page.context.close()


def legal_reviewer_approves(page, course, axe):
    """A legal reviewer approves it: it publishes as the next edition."""
    AdminLoginScreen(page).open().log_in("legal.reviewer", DEMO_PASSWORD)
    AdminPageEditorScreen(page).open(course.pk)
    axe(page)
    AdminPageEditorScreen(page).approve()
    page.context.close()
