"""Guidance governance end to end (issue 8): an editor revises the ICE-encounters course as a
new edition, a legal reviewer approves it, and a previously compliant employee takes the
update, signs the acknowledgment and is compliant again."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses import services
from courses.models import Acknowledgment, Completion, CourseEdition, CoursePage, QuizAttempt
from lms.compliance.selectors import Status, my_assignments_of
from lms.demo import content
from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Employee
from tests.browser.pages import (
    AcknowledgmentScreen,
    AdminLoginScreen,
    AdminPageEditorScreen,
    AttemptScreen,
    LoginScreen,
    MyTrainingScreen,
    QuizScreen,
)
from tests.courses.conftest import right_answers

pytestmark = pytest.mark.browser

ICE_COURSE = "Encountering federal immigration agents at City facilities"
CHANGED_LESSON = "The guidance you follow"
ACKNOWLEDGMENT = "I have read and will follow the City Attorney's guidance of {date}."


def compliant_learner(course: CoursePage) -> Employee:
    """A demo employee who reads English, with a completion of edition 1 (from the demo
    history, or taken now)."""
    employee = (
        Employee.objects.filter(user__username__startswith="employee", preferred_language="en")
        .order_by("user__username")
        .first()
    )
    if not Completion.objects.filter(employee=employee, course=course).exists():
        when = timezone.now() - timedelta(days=20)
        for lesson in course.lessons():
            services.lesson_complete(employee=employee, lesson=lesson, now=when)
        attempt = services.quiz_attempt_start(employee=employee, course=course, now=when)
        services.quiz_attempt_submit(
            employee=employee,
            attempt_key=attempt.public_id,
            answers=right_answers(attempt),
            now=when,
        )
    return employee


def ice_status(employee, course):
    return next(
        a for a in my_assignments_of(employee=employee) if a.requirement.course_id == course.pk
    )


def test_a_new_edition_is_approved_and_retrains_a_previous_completer(
    demo, browser, live_server, axe
):
    course = CoursePage.objects.get(slug=content.ENCOUNTERS.slug)
    employee = compliant_learner(course)
    old_completion = Completion.objects.filter(employee=employee, course=course).latest(
        "completed_at"
    )
    assert ice_status(employee, course).status == Status.COMPLETED

    def context_page():
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        page = context.new_page()
        page.set_default_timeout(15_000)
        return context, page

    # An editor adds the acknowledgment and submits the course as a new edition.
    context, page = context_page()
    admin_login = AdminLoginScreen(page).open()
    axe(page)
    admin_login.log_in("editor", DEMO_PASSWORD)
    page.goto("/admin/reports/guidance-coverage/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Guidance coverage")
    axe(page)
    editor_screen = AdminPageEditorScreen(page).open(course.pk)
    expect(page.get_by_role("button", name="Publish", exact=True)).to_have_count(0)
    axe(page)
    editor_screen.set_acknowledgment(ACKNOWLEDGMENT).save_draft()
    edition_screen = editor_screen.new_edition()
    expect(page.get_by_role("heading", level=1)).to_contain_text("New edition")
    axe(page)
    edition_screen.submit(
        summary="Section 7: the City Attorney's new memo.", changed=[CHANGED_LESSON]
    )
    expect(page.get_by_text("submitted to the City Attorney's Office")).to_be_visible()
    context.close()
    assert CoursePage.objects.get(pk=course.pk).edition == 1, "nothing changes before approval"

    # A legal reviewer approves it: it publishes as edition 2.
    context, page = context_page()
    AdminLoginScreen(page).open().log_in("legal.reviewer", DEMO_PASSWORD)
    reviewer_screen = AdminPageEditorScreen(page).open(course.pk)
    axe(page)
    reviewer_screen.approve()
    context.close()
    edition = CourseEdition.objects.get(course=course)
    assert edition.number == 2 and edition.published_by.username == "legal.reviewer"
    assert CoursePage.objects.get(pk=course.pk).edition == 2

    # The employee sees the update with its due date, takes it and signs.
    context, page = context_page()
    LoginScreen(page).open().log_in(employee.user.username, DEMO_PASSWORD)
    training = MyTrainingScreen(page).open()
    row = training.row(ICE_COURSE)
    expect(row).to_contain_text("Update: edition 2")
    expect(row).to_contain_text(edition.due_on.strftime("%b. %-d, %Y").replace("May.", "May"))
    axe(page)
    row.get_by_role("link", name=re.compile("Take the update")).click()
    expect(page.get_by_text("you take only the update")).to_be_visible()
    axe(page)
    page.locator(".lms-course-progress").get_by_role("button").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CHANGED_LESSON)
    axe(page)
    page.get_by_role("button", name="I have read this lesson").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quiz")
    axe(page)
    QuizScreen(page).start()
    attempt = QuizAttempt.objects.get(employee=employee, submitted_at__isnull=True)
    assert attempt.course_edition == 2
    assert all(
        any(
            clause["label"] in {"EO §7", "City Attorney memo of 2025-02-10"}
            for clause in q["clauses"]
        )
        for q in attempt.questions
    )
    axe(page)
    answers = right_answers(attempt)
    for question in attempt.questions:
        for choice_id in answers[question["id"]]:
            input_id = page.locator(f'input[value="{choice_id}"]').get_attribute("id")
            page.locator(f'label[for="{input_id}"]').click()
    AttemptScreen(page).submit()
    axe(page)
    page.get_by_role("link", name="Sign the acknowledgment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Acknowledgment")
    axe(page)
    AcknowledgmentScreen(page).sign("Nobody Known")
    expect(page.get_by_role("alert")).to_contain_text("does not match")
    axe(page)
    AcknowledgmentScreen(page).sign(employee.user.get_full_name())
    expect(page.get_by_role("heading", level=1)).to_have_text("Course completed")
    axe(page)
    MyTrainingScreen(page).open()
    expect(training.row(ICE_COURSE)).to_contain_text("Completed")
    axe(page)
    context.close()

    acknowledgment = Acknowledgment.objects.get(employee=employee, course=course)
    assert acknowledgment.course_edition == 2 and "July 21, 2025" in acknowledgment.text
    assert ice_status(employee, course).status == Status.COMPLETED
    old_completion.refresh_from_db()
    assert old_completion.course_edition == 1
