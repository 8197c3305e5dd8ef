"""The "sample content" notice (LMS_SAMPLE_CONTENT_NOTICE, issue 18): on every lesson and quiz
page while demo content is loaded, in the reader's language; absent by default. The
certificate and the progress report PDF: tests/certificates/test_pdf.py and
tests/reports/test_progress_report.py; update learners: tests/courses/test_editions.py."""

import pytest
from django.urls import reverse

from courses import services

pytestmark = pytest.mark.django_db

NOTICE = "Sample content: not the City's official training."
AVISO = "Contenido de muestra: no es la capacitación oficial de la Ciudad."


def pages(client, employee, course) -> list[str]:
    """A lesson, the quiz page, an attempt and its result, as the learner sees them."""
    html = [client.get(course.lessons()[0].url).content.decode()]
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    html.append(client.get(reverse("courses:quiz", args=[course.pk])).content.decode())
    client.post(reverse("courses:quiz_start", args=[course.pk]))
    attempt = employee.quiz_attempts.get()
    html.append(client.get(reverse("courses:attempt", args=[attempt.public_id])).content.decode())
    return html


def test_the_notice_is_on_every_lesson_and_quiz_page_while_demo_content_is_loaded(
    settings, employee_client, employee, quiz_course
):
    settings.LMS_SAMPLE_CONTENT_NOTICE = True

    for html in pages(employee_client, employee, quiz_course):
        assert html.count(NOTICE) == 1
        assert 'role="note"' in html


def test_the_notice_is_in_spanish_for_a_spanish_reader(
    settings, employee_client, employee, quiz_course
):
    settings.LMS_SAMPLE_CONTENT_NOTICE = True
    employee_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"

    html = employee_client.get(quiz_course.lessons()[0].url).content.decode()

    assert AVISO in html and NOTICE not in html


def test_no_notice_by_default(employee_client, employee, quiz_course):
    for html in pages(employee_client, employee, quiz_course):
        assert NOTICE not in html
