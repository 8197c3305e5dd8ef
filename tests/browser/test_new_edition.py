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
    AdminDashboardScreen,
    AdminLoginScreen,
    AdminPageEditorScreen,
    GuidanceCoverageScreen,
    LoginScreen,
    MyTrainingScreen,
    QuizScreen,
)
from tests.courses.conftest import right_answers

pytestmark = pytest.mark.browser

ICE_COURSE = "Encountering federal immigration agents at City facilities"
CHANGED_LESSON = "The guidance you follow"
ACKNOWLEDGMENT = "I have read and will follow the City Attorney's guidance of {date}."
NEW_GUIDANCE = {"EO §7", "City Attorney memo of 2025-02-10"}  # every question of edition 2 cites


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


def test_a_new_edition_is_approved_and_retrains_a_previous_completer(demo, open_tab, axe):
    course = CoursePage.objects.get(slug=content.ENCOUNTERS.slug, locale__language_code="en")
    employee = compliant_learner(course)
    old_completion = Completion.objects.filter(employee=employee, course=course).latest(
        "completed_at"
    )
    assert ice_status(employee, course).status == Status.COMPLETED

    editor_submits_a_new_edition(open_tab(), course, axe)
    assert CoursePage.objects.get(pk=course.pk).edition == 1, "nothing changes before approval"

    legal_reviewer_approves_it(open_tab(), course, axe)
    edition = CourseEdition.objects.get(course=course)
    assert edition.number == 2 and edition.published_by.username == "legal.reviewer"
    assert CoursePage.objects.get(pk=course.pk).edition == 2

    employee_takes_the_update_and_signs(open_tab(), employee, edition, axe)
    acknowledgment = Acknowledgment.objects.get(employee=employee, course=course)
    assert acknowledgment.course_edition == 2 and "July 21, 2025" in acknowledgment.text
    assert ice_status(employee, course).status == Status.COMPLETED
    old_completion.refresh_from_db()
    assert old_completion.course_edition == 1


# --- The three people's steps, each in a browser of their own -----------------------------------


def editor_submits_a_new_edition(page, course, axe):
    """The editor adds the acknowledgment and submits the course as a new edition."""
    login = AdminLoginScreen(page).open()
    axe(page)
    login.log_in("editor", DEMO_PASSWORD)

    coverage = GuidanceCoverageScreen(page).open()
    expect(coverage.heading()).to_contain_text("Guidance coverage")
    axe(page)

    editing = AdminPageEditorScreen(page).open(course.pk)
    expect(editing.publish_button()).to_have_count(0)  # an editor cannot publish
    axe(page)

    new_edition = editing.set_acknowledgment(ACKNOWLEDGMENT).save_draft().new_edition()
    expect(new_edition.heading()).to_contain_text("New edition")
    axe(page)

    new_edition.submit(summary="Section 7: the City Attorney's new memo.", changed=[CHANGED_LESSON])
    expect(new_edition.submitted_notice()).to_be_visible()
    page.context.close()


def legal_reviewer_approves_it(page, course, axe):
    """A legal reviewer finds the new edition on their dashboard (who submitted it, what changed,
    the changed lesson, how many people will owe the update) and approves it: it publishes as
    edition 2."""
    AdminLoginScreen(page).open().log_in("legal.reviewer", DEMO_PASSWORD)
    dashboard = AdminDashboardScreen(page).open()
    queued = dashboard.edition_awaiting_review(ICE_COURSE)
    expect(queued).to_contain_text("Edition 2 of")
    expect(queued).to_contain_text("Submitted by")
    expect(queued).to_contain_text("Section 7: the City Attorney's new memo.")
    expect(queued).to_contain_text(CHANGED_LESSON)
    expect(queued).to_contain_text(re.compile(r"\d+ (person|people) who completed an earlier"))
    axe(page)
    reviewing = AdminPageEditorScreen(page).open(course.pk)
    axe(page)
    reviewing.approve()
    page.context.close()


def employee_takes_the_update_and_signs(page, employee, edition, axe):
    """The employee sees the update with its due date, takes it and signs."""
    LoginScreen(page).open().log_in(employee.user.username, DEMO_PASSWORD)
    training = MyTrainingScreen(page).open()
    row = training.row(ICE_COURSE)
    expect(row).to_contain_text("Update: edition 2")
    expect(row).to_contain_text(edition.due_on.strftime("%b. %-d, %Y").replace("May.", "May"))
    axe(page)

    update = training.take_the_update(ICE_COURSE)
    expect(update.update_notice()).to_be_visible()
    axe(page)

    lesson = update.start()
    expect(lesson.heading()).to_have_text(CHANGED_LESSON)
    axe(page)

    lesson.mark_read()
    quiz = QuizScreen(page)
    expect(quiz.heading()).to_contain_text("Quiz")
    axe(page)

    attempt_screen = quiz.start()
    attempt = QuizAttempt.objects.get(employee=employee, submitted_at__isnull=True)
    assert attempt.course_edition == 2
    assert all(
        any(clause["label"] in NEW_GUIDANCE for clause in question["clauses"])
        for question in attempt.questions
    )
    axe(page)

    result = attempt_screen.choose_all(right_answers(attempt)).submit()
    axe(page)

    signing = result.sign_the_acknowledgment()
    expect(signing.heading()).to_have_text("Acknowledgment")
    axe(page)

    signing.sign("Nobody Known")
    expect(signing.alert()).to_contain_text("does not match")
    axe(page)

    signing.sign(employee.user.get_full_name())
    expect(signing.heading()).to_have_text("Course completed")
    axe(page)

    training.open()
    expect(training.row(ICE_COURSE)).to_contain_text("Completed")
    axe(page)
    page.context.close()
