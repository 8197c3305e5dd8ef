"""A demo employee signs in and reads the three demo courses (issue: foundation)."""

import re

from playwright.sync_api import expect

from lms.demo.people import DEMO_PASSWORD
from tests.browser.pages import HomeScreen, LoginScreen

DEMO_COURSES = [
    "Albuquerque's immigrant-friendly commitments",
    "Encountering federal immigration agents at City facilities",
    "Trauma-informed protocols for minors affected by immigration enforcement",
]


def test_employee_logs_in_and_reads_the_demo_courses(demo, page, axe):
    # Arrange: an anonymous visitor on the home page
    home = HomeScreen(page).open()
    axe(page)
    assert home.course_titles() == DEMO_COURSES

    # Act: sign in as a demo employee
    login = LoginScreen(page).open()
    axe(page)
    login.log_in("employee02", DEMO_PASSWORD)  # prefers English
    expect(page.get_by_text(re.compile("Signed in as"))).to_be_visible()

    for title in DEMO_COURSES:
        course = HomeScreen(page).open().open_course(title)
        expect(course.heading()).to_have_text(title)
        assert 3 <= len(course.lesson_titles()) <= 5
        axe(page)

        lesson = course.start()
        expect(lesson.heading()).to_have_text(course_first := lesson.heading().inner_text())
        assert lesson.position().startswith("Lesson 1 of")
        expect(page.get_by_text("sample", exact=False).first).to_be_visible()
        axe(page)

        lesson.next()
        assert lesson.position().startswith("Lesson 2 of")
        assert lesson.heading().inner_text() != course_first
        axe(page)

    # Assert: every screen visited passed axe
    assert len(axe.checked) == 2 + 3 * 3


def test_wrong_password_gets_one_generic_message(demo, page, axe):
    login = LoginScreen(page).open()
    login.log_in("employee01", "not-the-password")
    alert = page.get_by_role("alert").first
    expect(alert).to_contain_text("correct username and password")
    axe(page)


def test_skip_link_is_the_first_stop_and_reaches_the_content(demo, page):
    HomeScreen(page).open()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_anonymous_visitor_is_sent_to_login_from_a_course(demo, page):
    HomeScreen(page).open().open_course(DEMO_COURSES[1])
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))


def test_spanish_speaker_gets_the_spanish_interface_on_login(demo, page, axe):
    LoginScreen(page).open().log_in("employee01", DEMO_PASSWORD)  # prefers Spanish
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Mi capacitación")).to_be_visible()
    axe(page)


def test_spanish_interface(demo, page, axe):
    HomeScreen(page).open()
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("link", name="Iniciar sesión")).to_be_visible()
    axe(page)
