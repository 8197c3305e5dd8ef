"""Readable quiz screens (issue 20): each question a legend of normal weight with one
"Select all that apply." line, and one message per outcome."""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from courses import services
from courses.models import QuizAttempt
from courses.templatetags.quiz_tags import without_instruction
from tests.courses.conftest import right_answers
from tests.factories import CoursePageFactory, LessonPageFactory, quiz_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def several_answer_course(training_index):
    """A one-question quiz whose author ended the question with the instruction."""
    course = CoursePageFactory(
        parent=training_index,
        title="Reporting ICE activity",
        quiz_pass_mark=60,
        quiz_shuffle_choices=False,
        quiz=[
            quiz_question(
                "Who must be told about ICE activity on City property? Select all that apply.",
                [("The Mayor's Office", True), ("The City Attorney", True), ("Nobody", False)],
                kind="multiple",
            )
        ],
    )
    LessonPageFactory(parent=course, title="Reporting")
    return course


def start(client, employee, course) -> QuizAttempt:
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    client.post(reverse("courses:quiz_start", args=[course.pk]))
    return QuizAttempt.objects.get(employee=employee, submitted_at__isnull=True)


def test_the_instruction_is_said_once_under_a_normal_weight_legend(
    employee_client, employee, several_answer_course
):
    attempt = start(employee_client, employee, several_answer_course)
    html = unescape(
        employee_client.get(reverse("courses:attempt", args=[attempt.public_id])).content.decode()
    )
    legend = re.search(r"<legend[^>]*>(.*?)</legend>", html, re.DOTALL)
    assert legend is not None
    assert "usa-legend--large" not in legend.group(0)
    assert "lms-question__legend" in legend.group(0)
    assert "Who must be told about ICE activity on City property?" in legend.group(1)
    assert html.count("Select all that apply.") == 1


def test_the_instruction_filter_in_both_languages():
    assert without_instruction("Which ones? Select all that apply.") == "Which ones?"
    assert without_instruction("Which ones?  select all\nthat apply. ") == "Which ones?"
    spanish = "¿Cuáles? Seleccione todas las opciones que correspondan."
    assert without_instruction(spanish) == "¿Cuáles?"
    with translation.override("es"):
        assert without_instruction(spanish) == "¿Cuáles?"
    # Only a trailing instruction goes: a question about it keeps its words.
    question = "Does 'Select all that apply.' mean one answer may be enough?"
    assert without_instruction(question) == question


def test_a_passed_quiz_shows_one_success_message(employee_client, employee, quiz_course):
    attempt = start(employee_client, employee, quiz_course)
    response = employee_client.post(
        reverse("courses:attempt", args=[attempt.public_id]),
        {f"q-{key}": value for key, value in right_answers(attempt).items()},
    )
    html = employee_client.get(response["Location"]).content.decode()
    assert "You passed" in html
    assert html.count("usa-alert--success") == 1
    assert "You passed the quiz." not in html
