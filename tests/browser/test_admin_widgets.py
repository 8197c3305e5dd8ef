"""Wagtail's widgets on the project's admin forms work under the Content-Security-Policy
(issue 20): the choosers (a requirement's course, an employee's department), the date pickers
and the inline panels. Wagtail writes the chooser's starting ``<script>`` bare; the policy
refused it and "Choose a page" did nothing (lms/widgets.py gives it the request's nonce). The
``page`` fixture fails each test on any CSP violation."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from courses.models import CoursePage, GuidanceDocument
from lms.compliance.models import TrainingRequirement
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Department, Employee
from tests.browser.pages import AdminLoginScreen

pytestmark = pytest.mark.browser


def save(page):
    with page.expect_navigation():
        page.locator("footer").get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages .success")).to_be_visible()


def open_date_picker(page, field: str):
    """Focus the date field ``field`` (its name): Wagtail's date picker opens beside it."""
    page.locator(f"#id_{field}").click()
    expect(page.locator(".xdsoft_datetimepicker").filter(visible=True)).to_have_count(1)
    page.keyboard.press("Escape")


def test_oei_states_a_requirement_choosing_its_course_and_dates(page, demo):
    course = CoursePage.objects.filter(locale__language_code="en").order_by("pk").first()
    AdminLoginScreen(page).open().log_in("oei.admin", DEMO_PASSWORD)
    page.goto("/admin/snippets/compliance/trainingrequirement/add/")
    page.locator("#id_name").fill("Widgets under the policy")

    # the page chooser opens its dialog and fills the field with the course chosen there
    field = page.locator('[data-field]:has([name="course"])')
    field.get_by_role("button", name=re.compile(r"^Choose a page")).click()
    dialog = page.get_by_role("dialog")
    dialog.locator("input[name=q]").fill(course.title)
    dialog.locator("a.choose-page", has_text=course.title).first.click()
    expect(dialog).to_be_hidden()
    expect(field.locator("[data-chooser-title]")).to_have_text(course.title)

    # the date pickers open; the dates typed are kept
    open_date_picker(page, "active_from")
    page.locator("#id_active_from").fill("2026-09-01")
    open_date_picker(page, "due_by")
    page.locator("#id_due_by").fill("2026-12-31")
    save(page)

    requirement = TrainingRequirement.objects.get(name="Widgets under the policy")
    assert requirement.course_id == course.pk
    assert (requirement.active_from, requirement.due_by) == (date(2026, 9, 1), date(2026, 12, 31))


def test_oei_moves_an_employee_to_another_department_with_the_chooser(page, demo):
    employee = Employee.objects.select_related("department").order_by("pk").first()
    other = Department.objects.exclude(pk=employee.department_id).order_by("name").first()
    AdminLoginScreen(page).open().log_in("oei.admin", DEMO_PASSWORD)
    page.goto(f"/admin/snippets/organisation/employee/edit/{employee.pk}/")

    field = page.locator('[data-field]:has([name="department"])')
    # a department is chosen: "Choose another department" is in the field's actions menu
    field.get_by_role("button", name="Actions").click()
    page.get_by_role("button", name="Choose another department").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("link", name=str(other)).first.click()
    expect(dialog).to_be_hidden()
    expect(field.locator("[data-chooser-title]")).to_have_text(str(other))
    open_date_picker(page, "hire_date")
    save(page)

    employee.refresh_from_db()
    assert employee.department_id == other.pk


def test_the_editor_adds_a_clause_to_a_guidance_document(page, demo):
    document = GuidanceDocument.objects.order_by("pk").first()
    clauses = document.clauses.count()
    AdminLoginScreen(page).open().log_in("editor", DEMO_PASSWORD)
    page.goto(f"/admin/snippets/courses/guidancedocument/edit/{document.pk}/")

    # the inline panel's "Add clause" adds an empty clause at the end
    rows = page.locator("#id_clauses-FORMS > [data-inline-panel-child]:not(.deleted)")
    expect(rows).to_have_count(clauses)
    page.get_by_role("button", name="Add clause").click()
    expect(rows).to_have_count(clauses + 1)
    new = rows.last
    new.get_by_label("Number").fill("99")
    new.get_by_label("Short title").fill("Added in the browser")
    new.get_by_label("Text").fill("A clause added through Wagtail's inline panel.")
    open_date_picker(page, "issued_on")
    save(page)

    assert document.clauses.count() == clauses + 1
    assert document.clauses.get(number="99").title == "Added in the browser"
