"""Issue 16: after OEI revokes their certificate, the employee sees it was revoked and why (on
"My training" and on the course page) and can take the course again; the new completion counts
and issues a new certificate, as usual."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import Certificate
from certificates.services import certificate_revoke
from courses import services
from courses.models import Completion, Enrollment
from lms.compliance.models import Assignment
from lms.compliance.selectors import Status, my_assignments
from lms.compliance.services import assignments_sync
from tests.courses.conftest import right_answers
from tests.factories import TrainingRequirementFactory

pytestmark = pytest.mark.django_db
REASON = "The quiz was answered by someone else"


def complete(employee, course, now=None):
    now = now or timezone.now()
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson, now=now)
    attempt = services.quiz_attempt_start(employee=employee, course=course, now=now)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt), now=now
    )


@pytest.fixture
def revoked(employee, quiz_course, oei):
    """The employee completed the course a week ago; OEI revoked the certificate today."""
    TrainingRequirementFactory(course=quiz_course)
    assignments_sync()
    complete(employee, quiz_course, timezone.now() - timedelta(days=7))
    certificate = Certificate.objects.get(employee=employee)
    certificate_revoke(certificate=certificate, user=oei, reason=REASON)
    return certificate


def test_the_employee_can_retake_the_course_and_the_new_completion_counts(
    employee, quiz_course, revoked
):
    assert my_assignments(user=employee.user)[0].status == Status.NOT_STARTED

    enrollment = services.enrollment_start(employee=employee, course=quiz_course)
    assert enrollment.cycle == 2
    assert not enrollment.is_update
    assert not enrollment.lessons_completed.exists(), "the course is read again"
    assert my_assignments(user=employee.user)[0].status == Status.IN_PROGRESS
    complete(employee, quiz_course)

    assert Completion.objects.filter(employee=employee).count() == 2
    assert my_assignments(user=employee.user)[0].status == Status.COMPLETED
    new = Certificate.objects.exclude(pk=revoked.pk).get(employee=employee)
    assert new.revoked_at is None and new.verification_status().is_valid
    assert Certificate.objects.get(pk=revoked.pk).verification_status().code == "revoked"
    # Starting once more after the retake resumes it; nothing new opens.
    assert services.enrollment_start(employee=employee, course=quiz_course).cycle == 2


def test_my_training_shows_the_revocation_and_its_reason(employee_client, revoked):
    page = employee_client.get(reverse("courses:my_training")).content.decode()
    assert "Certificate revoked" in page
    assert REASON in page


def test_the_course_page_shows_the_revocation_and_offers_the_course_again(
    employee, employee_client, quiz_course, revoked
):
    page = employee_client.get(quiz_course.url).content.decode()
    assert "Your certificate for this course was revoked" in page
    assert REASON in page
    assert "Take the course again" in page
    assert "You completed this course on" not in page
    employee_client.post(reverse("courses:course_start", args=[quiz_course.pk]))
    assert Enrollment.objects.filter(employee=employee, cycle=2).exists()


def test_the_revocation_is_shown_in_spanish(employee, employee_client, revoked):
    employee_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    # A request in Spanish leaves Spanish active in this thread: not for the next test.
    with translation.override(translation.get_language()):
        page = employee_client.get(reverse("courses:my_training")).content.decode()
    assert "Certificado revocado" in page
    assert "Esta finalización ya no cuenta" in page


def test_the_assignment_is_due_again_for_the_employee(employee, revoked):
    assignment = Assignment.objects.get(employee=employee)
    row = my_assignments(user=employee.user)[0]
    assert row.pk == assignment.pk
    assert row.effective_due_on == timezone.localdate() + timedelta(days=30)
