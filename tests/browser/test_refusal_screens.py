"""The screens a person reaches when the application refuses or asks them to check something,
each walked in the browser and checked with axe: OEI's "Reminders to check" and its "Send
again", a quiz started again before its wait is over (429), and a certificate ZIP asked for by
someone who already has as many being built as they may (429)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certificates.models import CertificateArchive
from courses import services as course_services
from courses.models import CoursePage
from lms.compliance.services import assignments_sync
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Department
from lms.reminders.models import MAX_ATTEMPTS, ReminderLog
from lms.reminders.services import outbox, scan
from tests.browser.pages import (
    DashboardScreen,
    LoginScreen,
    RemindersToCheckScreen,
    post_from_a_stale_form,
)
from tests.courses.conftest import wrong_answers
from tests.factories import PASSWORD, EmployeeFactory

pytestmark = pytest.mark.browser

OEI = "oei.admin"
LIAISON = "liaison.parks"
ICE_COURSE = "Encountering federal immigration agents at City facilities"


def test_oei_checks_a_reminder_that_could_not_be_sent_and_sends_it_again(demo, page, axe, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    employee = EmployeeFactory(
        department=Department.objects.get(code="PARKS"),
        user__first_name="Faustino",
        user__last_name="Baca",
        user__email="will.fail@cabq.example",
    )
    assignments_sync(employee_ids=[employee.pk])
    ahead = timezone.localdate() + timedelta(days=45)  # everything the new hire owes is overdue
    scan.reminder_scan(today=ahead)
    now = timezone.now()
    for hours in range(MAX_ATTEMPTS):  # each try after the previous one's backoff
        outbox.outbox_send(now=now + timedelta(days=hours))
    failed = ReminderLog.objects.filter(employee=employee, kind__in=ReminderLog.EMPLOYEE_KINDS)
    assert failed.exists() and all(row.attempts == MAX_ATTEMPTS for row in failed)

    LoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    to_check = RemindersToCheckScreen(page).open()
    # The demo's OEI administrator reads the site in Spanish.
    expect(to_check.heading()).to_have_text("Recordatorios por revisar")
    axe(page)
    to_check.choose_language("en")
    expect(to_check.heading()).to_have_text("Reminders to check")
    row = to_check.row_of("Faustino Baca")
    expect(row.first).to_contain_text("Not sent")
    expect(row.first).to_contain_text("SMTP server refused the message")
    axe(page)

    to_check.send_again("Faustino Baca")
    assert "It will be sent again within ten minutes." in to_check.message()
    axe(page)
    assert failed.filter(attempts=0, next_try_at__isnull=True).count() >= 1


def test_a_quiz_started_again_before_the_wait_is_over_gets_a_429_page(demo, page, axe):
    employee = EmployeeFactory(department=Department.objects.get(code="PARKS"))
    course = CoursePage.objects.get(title=ICE_COURSE, locale__language_code="en")
    for lesson in course.lessons():
        course_services.lesson_complete(employee=employee, lesson=lesson)
    attempt = course_services.quiz_attempt_start(employee=employee, course=course)
    course_services.quiz_attempt_submit(
        employee=employee, attempt_key=str(attempt.public_id), answers=wrong_answers(attempt)
    )

    LoginScreen(page).open().log_in(employee.user.username, PASSWORD)
    page.goto(f"/learn/courses/{course.pk}/quiz/")
    expect(page.locator(".lms-quiz-wait")).to_contain_text("You can take the quiz again from")
    # A second tab opened before the failure still shows "Start the quiz": it is refused.
    response = post_from_a_stale_form(page, f"/learn/courses/{course.pk}/quiz/start/")
    assert response.status == 429
    assert response.headers["retry-after"]
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not do that")
    expect(page.get_by_role("alert")).to_contain_text("You can take the quiz again from")
    axe(page)
    assert employee.quiz_attempts.count() == 1


def test_a_liaison_over_the_zip_limit_gets_a_429_page(demo, page, axe, settings):
    settings.MAX_BUILDS_PER_USER = 1
    liaison = Department.objects.get(code="PARKS").liaisons.get().user
    # One ZIP of theirs still being built, from when they looked after another department.
    CertificateArchive.objects.create(
        department=Department.objects.get(code="FCS"),
        requested_by=liaison,
        requested_at=timezone.now(),
    )

    LoginScreen(page).open().log_in(LIAISON, DEMO_PASSWORD)
    DashboardScreen(page).open_from_the_menu()
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        DashboardScreen(page).download_certificates()
    assert refused.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text("The ZIP file was not started")
    expect(page.get_by_role("alert")).to_contain_text("You already have 1 certificate archives")
    axe(page)
    assert CertificateArchive.objects.filter(department__code="PARKS").count() == 0
