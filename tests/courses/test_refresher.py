"""Recertification: once a completion nears expiry the course can be taken again, as a new
cycle, and the earlier completion stays exactly as it was."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import selectors, services
from courses.models import Completion, Enrollment
from tests.courses.conftest import right_answers
from tests.factories import CoursePageFactory, LessonPageFactory, TrainingRequirementFactory

pytestmark = pytest.mark.django_db


def complete(employee, course, now):
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson, now=now)
    attempt = services.quiz_attempt_start(employee=employee, course=course, now=now)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt), now=now
    )


def test_starting_again_before_the_window_keeps_the_completed_cycle(employee, quiz_course):
    now = timezone.now()
    complete(employee, quiz_course, now)
    enrollment = services.enrollment_start(
        employee=employee, course=quiz_course, now=now + timedelta(days=300)
    )
    assert enrollment.cycle == 1
    assert Enrollment.objects.count() == 1


def test_refresher_in_the_window_is_a_new_cycle_and_history_stays(employee, quiz_course):
    first_done = timezone.now() - timedelta(days=350)  # valid 12 months: expires in ~15 days
    complete(employee, quiz_course, first_done)
    first = Completion.objects.get()

    refresher = services.enrollment_start(employee=employee, course=quiz_course)
    assert refresher.cycle == 2
    assert not refresher.lessons_completed.exists(), "a refresher is read again"
    complete(employee, quiz_course, timezone.now())

    assert Completion.objects.count() == 2
    first.refresh_from_db()
    assert first.completed_at == first_done and first.enrollment.cycle == 1
    latest = Completion.objects.order_by("-completed_at").first()
    assert latest.enrollment.cycle == 2
    assert latest.expires_at > timezone.now() + timedelta(days=360)
    # Starting once more right after recertifying resumes nothing new.
    assert services.enrollment_start(employee=employee, course=quiz_course).cycle == 2


def test_a_requirement_cycle_opens_the_refresher_of_a_course_without_validity(
    employee, training_index
):
    course = CoursePageFactory(parent=training_index, validity_months=None)
    LessonPageFactory(parent=course)
    for lesson in course.lessons():
        services.lesson_complete(
            employee=employee, lesson=lesson, now=timezone.now() - timedelta(days=340)
        )
    completion = Completion.objects.get()
    assert not selectors.refresher_open(completion=completion)
    TrainingRequirementFactory(course=course, recertify_months=12, window_days=30)
    assert selectors.refresher_open(completion=completion)


def test_course_page_offers_the_refresher(employee, employee_client, quiz_course):
    complete(employee, quiz_course, timezone.now() - timedelta(days=350))
    page = employee_client.get(quiz_course.url)
    assert "Start the refresher" in page.content.decode()
    employee_client.post(f"/learn/courses/{quiz_course.pk}/start/")
    assert Enrollment.objects.filter(employee=employee, cycle=2).exists()
