"""A supervisor (from the HR roster) follows their team's training on "My team" (issue 19):
direct reports, everyone below with the toggle, filters and "send reminder"; accessible."""

from playwright.sync_api import Page, expect

from lms.compliance.models import ReminderRequest
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Employee
from tests.browser.pages import LoginScreen

SUPERVISOR = "employee04"  # Parks: supervises employee03, 05, 07; employee03 supervises 08


def name_of(username: str) -> str:
    return Employee.objects.get(user__username=username).full_name


def test_supervisor_sees_their_team_and_reminds(page: Page, demo, axe):
    direct = [name_of(username) for username in ("employee03", "employee05", "employee07")]
    below = name_of("employee08")
    outsider = name_of("employee02")  # Parks, reports to nobody here

    # Luis Montoya reads the site in Spanish: this walk is in English.
    Employee.objects.filter(user__username=SUPERVISOR).update(preferred_language="en")
    LoginScreen(page).open().log_in(SUPERVISOR, DEMO_PASSWORD)
    page.get_by_role("link", name="My team", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My team")
    expect(page.get_by_role("heading", name="Your direct reports")).to_be_visible()
    table = page.locator("table")
    for name in direct:
        expect(table.get_by_role("rowheader").filter(has_text=name).first).to_be_visible()
    expect(table).not_to_contain_text(below)
    expect(table).not_to_contain_text(outsider)
    axe(page)

    # everyone below, then only the completed ones
    page.get_by_label("Show", exact=True).select_option("all")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.get_by_role("heading", name="Everyone below you")).to_be_visible()
    expect(table.get_by_role("rowheader").filter(has_text=below).first).to_be_visible()
    expect(table.get_by_role("columnheader", name="Reports to")).to_be_visible()
    expect(table).not_to_contain_text(outsider)
    axe(page)

    # remind the first person listed
    first = page.locator("tbody input[name=employees]").first
    employee_id = int(first.get_attribute("value"))
    page.locator(f"label[for={first.get_attribute('id')}]").click()  # USWDS hides the box
    expect(first).to_be_checked()
    page.get_by_role("button", name="Send a reminder to the selected people").click()
    expect(page.get_by_text("1 reminder queued")).to_be_visible()
    expect(page.get_by_role("heading", name="Everyone below you")).to_be_visible()  # kept
    axe(page)
    request = ReminderRequest.objects.get()
    assert request.employee_id == employee_id
    assert request.requested_by.username == SUPERVISOR


def test_a_colleague_who_supervises_nobody_has_no_link_and_is_refused(page: Page, demo, axe):
    LoginScreen(page).open().log_in("employee02", DEMO_PASSWORD)  # Parks, English
    expect(page.get_by_role("link", name="My training", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="My team", exact=True)).to_have_count(0)
    response = page.goto("/compliance/team/")
    assert response.status == 403
    expect(page.get_by_text("“My team” is for supervisors")).to_be_visible()
    axe(page)
