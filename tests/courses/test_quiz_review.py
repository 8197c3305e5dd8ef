"""The quiz review policy (issue 14): what a result page may show after a failure and after a
pass, the wait between attempts, and the editors' warning about small question banks."""

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from courses import selectors, services
from courses.models import QuizAttempt, QuizReview
from lms.errors import ApplicationError
from tests.courses.conftest import right_answers, wrong_answers
from tests.factories import CoursePageFactory, LessonPageFactory, quiz_bank, quiz_question

pytestmark = pytest.mark.django_db

LEVELS = [QuizReview.SCORE, QuizReview.WRONG, QuizReview.EXPLAINED, QuizReview.FULL]


@pytest.fixture
def marked_course(training_index):
    """Three questions whose every text is distinctive, so a page can be searched for them."""
    bank = [
        quiz_question(
            f"QUESTION-{n} which is it?",
            [(f"WRONG-{n}-a", False), (f"RIGHT-{n}", True), (f"WRONG-{n}-b", False)],
            explanation=f"EXPLANATION-{n} teaches the rule.",
        )
        for n in range(1, 3)
    ] + [
        quiz_question(
            "QUESTION-3 select all?",
            [("RIGHT-3-a", True), ("WRONG-3-a", False), ("RIGHT-3-b", True)],
            kind="multiple",
            explanation="EXPLANATION-3 teaches the rule.",
        )
    ]
    course = CoursePageFactory(
        parent=training_index, quiz=bank, quiz_pass_mark=60, quiz_shuffle_choices=False
    )
    LessonPageFactory(parent=course)
    return course


def read_all(employee, course):
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)


def submitted(employee, course, answers_for, now=None):
    read_all(employee, course)
    attempt = services.quiz_attempt_start(employee=employee, course=course, now=now)
    return services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=answers_for(attempt), now=now
    )


def result_html(client, attempt) -> str:
    response = client.get(reverse("courses:attempt_result", args=[attempt.public_id]))
    assert response.status_code == 200
    return unescape(response.content.decode())


def texts(attempt, *, correct: bool) -> list[str]:
    return [
        choice["text"]
        for q in attempt.questions
        for choice in q["choices"]
        if (choice["id"] in q["correct"]) == correct
    ]


def questions_shown(html: str, level: str) -> bool:
    """Check that the questions are on the page unless the level is the score alone, and their
    explanations from "explained" up; returns whether the questions are shown."""
    shows_questions = level != QuizReview.SCORE
    for n in (1, 2, 3):
        assert (f"QUESTION-{n}" in html) is shows_questions
        assert (f"EXPLANATION-{n}" in html) is (level in (QuizReview.EXPLAINED, QuizReview.FULL))
    return shows_questions


@pytest.mark.parametrize("level", LEVELS)
def test_after_a_failure_each_level_shows_exactly_what_it_says(
    employee_client, employee, marked_course, level
):
    marked_course.quiz_review_after_fail = level
    marked_course.save()
    attempt = submitted(employee, marked_course, wrong_answers)
    assert attempt.passed is False
    html = result_html(employee_client, attempt)

    assert "You did not pass this time" in html and "Your score: 0%" in html
    shows_questions = questions_shown(html, level)
    assert ("Not correct" in html) is shows_questions
    # The learner's own (wrong) answers are theirs to see from "which were wrong" up.
    chosen = [
        c["text"]
        for q in attempt.questions
        for c in q["choices"]
        if c["id"] in attempt.answers[q["id"]]
    ]
    for text in chosen:
        assert (text in html) is shows_questions
    # The correct choices: in the page (text, id, attribute or hidden element) only in full.
    for text in texts(attempt, correct=True):
        assert (text in html) is (level == QuizReview.FULL), text
    assert ("(correct answer)" in html) is (level == QuizReview.FULL)
    for question in attempt.questions:
        for choice_id in question["correct"]:
            assert choice_id not in html


@pytest.mark.parametrize("level", LEVELS)
def test_after_a_pass_each_level_shows_exactly_what_it_says(
    employee_client, employee, marked_course, level
):
    marked_course.quiz_review_after_pass = level
    marked_course.save()
    attempt = submitted(employee, marked_course, right_answers)
    assert attempt.passed is True
    html = result_html(employee_client, attempt)

    assert "You passed" in html and "You answered 3 of 3 questions correctly." in html
    shows_questions = questions_shown(html, level)
    # Right answers are the learner's own; the other choices are listed only in full.
    for text in texts(attempt, correct=True):
        assert (text in html) is shows_questions
    for text in texts(attempt, correct=False):
        assert (text in html) is (level == QuizReview.FULL)


def test_defaults_hide_the_correct_choice_after_a_failure_and_show_it_after_a_pass(
    employee_client, employee, marked_course
):
    assert marked_course.quiz_review_after_fail == QuizReview.EXPLAINED
    assert marked_course.quiz_review_after_pass == QuizReview.FULL
    failed = submitted(employee, marked_course, wrong_answers)
    html = result_html(employee_client, failed)
    assert "EXPLANATION-1" in html and "Not correct" in html
    assert not any(text in html for text in texts(failed, correct=True))
    assert "are not shown after an attempt that did not pass" in html

    passed = submitted(employee, marked_course, right_answers, now=timezone.now())
    html = result_html(employee_client, passed)
    assert "(correct answer)" in html and "WRONG-1-a" in html


def test_changing_the_policy_changes_the_display_never_the_record(
    employee_client, employee, marked_course
):
    marked_course.quiz_review_after_fail = QuizReview.FULL
    marked_course.save()
    attempt = submitted(employee, marked_course, wrong_answers)
    stored = QuizAttempt.objects.values().get(pk=attempt.pk)
    assert "RIGHT-1" in result_html(employee_client, attempt)

    marked_course.quiz_review_after_fail = QuizReview.SCORE
    marked_course.save()
    html = result_html(employee_client, attempt)
    assert "RIGHT-1" not in html and "QUESTION-1" not in html
    assert QuizAttempt.objects.values().get(pk=attempt.pk) == stored


def test_the_review_is_built_from_the_attempt_snapshot_not_the_current_bank(
    employee, marked_course
):
    attempt = submitted(employee, marked_course, wrong_answers)
    marked_course.quiz = [quiz_question("A new question?", [("Yes", True), ("No", False)])]
    marked_course.save()
    attempt.refresh_from_db()
    review = selectors.attempt_review(attempt=attempt)
    assert [q.text for q in review.questions] == [q["text"] for q in attempt.questions]
    assert review.right_count == 0 and review.total == 3
    assert all(q.choices == [] for q in review.questions)  # explained: no choice list


def test_an_unknown_stored_level_shows_the_least(employee, marked_course):
    attempt = submitted(employee, marked_course, wrong_answers)
    review = selectors.attempt_review(attempt=attempt, level="everything")
    assert review.level == QuizReview.SCORE and review.questions == []


# --- Waiting between attempts -------------------------------------------------------------------


def test_a_maximum_of_attempts_in_any_24_hours(employee, marked_course):
    marked_course.quiz_max_attempts_per_day = 2
    marked_course.save()
    start = timezone.now()
    submitted(employee, marked_course, wrong_answers, now=start)
    submitted(employee, marked_course, wrong_answers, now=start + timedelta(minutes=1))

    with pytest.raises(ApplicationError) as refused:
        services.quiz_attempt_start(
            employee=employee, course=marked_course, now=start + timedelta(hours=23)
        )
    assert refused.value.status == 429
    assert refused.value.retry_at == start + timedelta(hours=24)
    assert "You can take the quiz again from" in refused.value.message
    assert QuizAttempt.objects.count() == 2

    # The first attempt leaves the window: one more fits, then the second's turn.
    third = services.quiz_attempt_start(
        employee=employee, course=marked_course, now=start + timedelta(hours=24, seconds=1)
    )
    assert third.number == 3


def test_the_later_of_the_two_waits_applies(employee, marked_course):
    marked_course.quiz_max_attempts_per_day = 1
    marked_course.quiz_wait_minutes = 30
    marked_course.save()
    start = timezone.now()
    submitted(employee, marked_course, wrong_answers, now=start)
    rules = services.quiz_rules(
        enrollment=QuizAttempt.objects.get().enrollment,
        course=marked_course,
        now=start + timedelta(hours=1),
    )
    assert rules.next_attempt_at == start + timedelta(hours=24)


def test_no_wait_without_the_settings(employee, marked_course):
    start = timezone.now()
    submitted(employee, marked_course, wrong_answers, now=start)
    rules = services.quiz_rules(
        enrollment=QuizAttempt.objects.get().enrollment, course=marked_course, now=start
    )
    assert rules.next_attempt_at is None


def test_starting_too_soon_over_http_is_a_429_in_both_languages_and_writes_nothing(
    employee_client, employee, marked_course
):
    marked_course.quiz_wait_minutes = 60
    marked_course.save()
    submitted(employee, marked_course, wrong_answers)
    url = reverse("courses:quiz_start", args=[marked_course.pk])

    response = employee_client.post(url)
    assert response.status_code == 429
    assert 3500 <= int(response["Retry-After"]) <= 3600
    assert "You can take the quiz again from" in response.content.decode()
    response = employee_client.post(url, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 429
    assert "Podrá volver a hacer el cuestionario a partir del" in response.content.decode()
    assert QuizAttempt.objects.count() == 1

    page = employee_client.get(reverse("courses:quiz", args=[marked_course.pk])).content.decode()
    assert "lms-quiz-wait" in page
    assert reverse("courses:quiz_start", args=[marked_course.pk]) not in page


# --- The question bank's size ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bank", "drawn", "warned"),
    [(7, 5, True), (10, 5, False), (12, 5, False), (10, 0, True), (3, 10, True), (0, 5, False)],
)
def test_editors_are_warned_when_the_bank_is_under_twice_the_draw(
    training_index, bank, drawn, warned
):
    course = CoursePageFactory(
        parent=training_index, quiz=quiz_bank(bank), quiz_question_count=drawn
    )
    assert bool(course.quiz_bank_warning()) is warned


def test_the_course_editor_shows_the_bank_warning_and_saving_repeats_it(
    client, django_user_model, rf, training_index
):
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from courses.wagtail_hooks import quiz_bank_size_warning

    course = CoursePageFactory(parent=training_index, quiz=quiz_bank(7), quiz_question_count=5)
    admin = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(admin)
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    with override("en"):
        html = unescape(client.get(edit_url).content.decode())
    assert "The question bank holds 7 questions and each attempt draws 5." in html

    request = rf.post(edit_url)
    request.session = client.session
    request._messages = FallbackStorage(request)
    quiz_bank_size_warning(request, course)
    assert [m.message for m in get_messages(request)] == [course.quiz_bank_warning()]

    fine = CoursePageFactory(parent=training_index, quiz=quiz_bank(10), quiz_question_count=5)
    request._messages = FallbackStorage(request)
    quiz_bank_size_warning(request, fine)
    assert list(get_messages(request)) == []
    html = unescape(client.get(reverse("wagtailadmin_pages:edit", args=[fine.pk])).content.decode())
    assert "The question bank holds" not in html
