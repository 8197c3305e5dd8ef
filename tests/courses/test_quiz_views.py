"""The quiz through HTTP: no answers leak, forged and replayed submissions get a 4xx."""

import re
import threading
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Completion, QuizAttempt
from tests.courses.conftest import right_answers, wrong_answers
from tests.factories import (
    CoursePageFactory,
    EmployeeFactory,
    LessonPageFactory,
    quiz_bank,
)

pytestmark = pytest.mark.django_db


def started_attempt(client, employee, course):
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    response = client.post(reverse("courses:quiz_start", args=[course.pk]))
    assert response.status_code == 302
    return QuizAttempt.objects.get(employee=employee, submitted_at__isnull=True)


def form_data(answers):
    data = {}
    for question_id, choices in answers.items():
        data[f"q-{question_id}"] = choices
    return data


def submit(client, attempt, answers):
    return client.post(reverse("courses:attempt", args=[attempt.public_id]), form_data(answers))


def test_quiz_html_holds_no_hint_of_the_correct_answers(employee_client, employee, quiz_course):
    attempt = started_attempt(employee_client, employee, quiz_course)
    html = employee_client.get(reverse("courses:attempt", args=[attempt.public_id])).content
    html = unescape(html.decode())
    for question in attempt.questions:
        assert question["text"] in html
        for choice in question["choices"]:
            assert choice["text"] in html
    assert "correct" not in html.lower()
    assert "is_correct" not in html and "explanation" not in html.lower()
    for question in attempt.questions:
        assert question["explanation"] not in html
    # Right and wrong choices carry exactly the same attributes.
    inputs = re.findall(r"<input[^>]*name=\"q-[^>]*>", html)
    shapes = {
        re.sub(r'(value|id|name)="[^"]*"', "", i).replace("checkbox", "radio") for i in inputs
    }
    assert len(inputs) == sum(len(q["choices"]) for q in attempt.questions)
    assert len(shapes) == 1, shapes


def test_fail_see_explanations_then_pass_over_http(employee_client, employee, quiz_course):
    attempt = started_attempt(employee_client, employee, quiz_course)
    response = submit(employee_client, attempt, wrong_answers(attempt))
    result_url = reverse("courses:attempt_result", args=[attempt.public_id])
    assert response["Location"] == result_url
    result = unescape(employee_client.get(result_url).content.decode())
    assert "You did not pass this time" in result
    assert attempt.questions[0]["explanation"] in result

    second = started_attempt(employee_client, employee, quiz_course)
    response = submit(employee_client, second, right_answers(second))
    assert "You passed" in employee_client.get(response["Location"]).content.decode()
    completion = employee_client.get(reverse("courses:course_complete", args=[quiz_course.pk]))
    assert completion.status_code == 200
    assert Completion.objects.filter(employee=employee).count() == 1


def test_missing_answers_redisplay_the_form_with_linked_errors(
    employee_client, employee, quiz_course
):
    attempt = started_attempt(employee_client, employee, quiz_course)
    answers = right_answers(attempt)
    missing = attempt.questions[0]["id"]
    del answers[missing]
    response = submit(employee_client, attempt, answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'aria-describedby="q-{missing}-error"' in html
    assert f'href="#q-{missing}-0"' in html
    # what the learner had chosen is kept
    kept = attempt.questions[1]["correct"][0]
    assert re.search(rf'value="{kept}"\s+checked', html)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


@pytest.mark.parametrize(
    "forge",
    [
        "unknown_question",
        "choice_from_another_question",
        "two_answers_to_single_choice",
        "made_up_choice",
    ],
)
def test_forged_submissions_are_refused_and_record_nothing(
    employee_client, employee, quiz_course, forge
):
    attempt = started_attempt(employee_client, employee, quiz_course)
    answers = right_answers(attempt)
    first, second = attempt.questions[0], attempt.questions[1]
    single = next(q for q in attempt.questions if q["kind"] == "single")
    if forge == "unknown_question":
        answers["00000000-0000-0000-0000-000000000000"] = ["x"]
    elif forge == "choice_from_another_question":
        answers[first["id"]] = [second["choices"][0]["id"]]
    elif forge == "two_answers_to_single_choice":
        answers[single["id"]] = [c["id"] for c in single["choices"]]
    elif forge == "made_up_choice":
        answers[first["id"]] = ["not-a-choice"]
    response = submit(employee_client, attempt, answers)
    assert 400 <= response.status_code < 500
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None
    assert not Completion.objects.exists()


def test_replay_returns_the_same_result_and_different_answers_are_refused(
    employee_client, employee, quiz_course
):
    attempt = started_attempt(employee_client, employee, quiz_course)
    first = submit(employee_client, attempt, wrong_answers(attempt))
    replay = submit(employee_client, attempt, wrong_answers(attempt))
    assert first.status_code == replay.status_code == 302
    changed = submit(employee_client, attempt, right_answers(attempt))
    assert changed.status_code == 409
    assert "already submitted" in changed.content.decode()
    attempt.refresh_from_db()
    assert attempt.passed is False
    assert not Completion.objects.exists()


def test_someone_elses_attempt_does_not_exist(client, employee, quiz_course):
    owner_client = Client()
    owner_client.force_login(employee.user)
    attempt = started_attempt(owner_client, employee, quiz_course)
    intruder = EmployeeFactory()
    client.force_login(intruder.user)
    assert client.get(reverse("courses:attempt", args=[attempt.public_id])).status_code == 404
    assert submit(client, attempt, right_answers(attempt)).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_start_after_attempts_exhausted_or_while_waiting_is_refused(
    employee_client, employee, quiz_course
):
    quiz_course.quiz_max_attempts = 1
    quiz_course.save()
    attempt = started_attempt(employee_client, employee, quiz_course)
    submit(employee_client, attempt, wrong_answers(attempt))
    response = employee_client.post(reverse("courses:quiz_start", args=[quiz_course.pk]))
    assert response.status_code == 403
    assert "used all your attempts" in response.content.decode()
    assert QuizAttempt.objects.count() == 1


def test_csrfless_post_is_refused(employee, quiz_course):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(employee.user)
    lesson = quiz_course.lessons().first()
    response = strict.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    assert response.status_code == 403


def test_bad_urls_are_404_not_500(employee_client):
    assert employee_client.get("/learn/attempts/not-a-uuid/").status_code == 404
    assert employee_client.post("/learn/courses/999999/start/").status_code == 404
    assert employee_client.get("/learn/courses/999999/quiz/").status_code == 404
    assert employee_client.post("/learn/lessons/999999/complete/").status_code == 404


def test_account_without_employee_record_gets_a_clear_403(client, quiz_course):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post(reverse("courses:course_start", args=[quiz_course.pk]))
    assert response.status_code == 403
    assert "no employee record" in response.content.decode()


def test_learner_pages_need_login(client, quiz_course):
    for url in (
        reverse("courses:my_training"),
        reverse("courses:quiz", args=[quiz_course.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lesson_and_quiz_pages_use_the_same_number_of_queries_at_any_size(
    employee_client, employee, training_index
):
    counts = {}
    for lessons, questions in ((5, 10), (50, 200)):
        course = CoursePageFactory(parent=training_index, quiz=quiz_bank(questions))
        pages = [LessonPageFactory(parent=course) for _ in range(lessons)]
        for page in pages[:2]:
            services.lesson_complete(employee=employee, lesson=page)
        lesson_url = pages[2].url
        for page in pages[2:]:
            services.lesson_complete(employee=employee, lesson=page)
        attempt = services.quiz_attempt_start(employee=employee, course=course)
        _queries(employee_client, lesson_url)  # warm caches (site root paths)
        counts[(lessons, questions)] = (
            _queries(employee_client, lesson_url),
            _queries(employee_client, reverse("courses:attempt", args=[attempt.public_id])),
        )
    assert counts[(5, 10)] == counts[(50, 200)], counts


def in_tabs(count: int, user, request) -> list[int]:
    """Send ``request(client)`` from ``count`` browser tabs at the same moment; the statuses."""
    from django.db import connections

    barrier = threading.Barrier(count)
    statuses = []

    def tab():
        client = Client()
        client.force_login(user)
        barrier.wait()
        statuses.append(request(client).status_code)
        connections.close_all()

    threads = [threading.Thread(target=tab) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.fixture
def read_course(home_page):
    """A one-lesson quiz course whose lesson a new employee has read (transactional tests)."""
    from tests.factories import TrainingIndexPageFactory, quiz_question

    index = TrainingIndexPageFactory(parent=home_page)
    course = CoursePageFactory(
        parent=index, quiz=[quiz_question("Q?", [("Yes", True), ("No", False)])]
    )
    LessonPageFactory(parent=course)
    employee = EmployeeFactory()
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    return course, employee


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_give_one_result_and_one_completion(read_course):
    """Four tabs submit the same attempt at the same moment, on the real database."""
    course, employee = read_course
    attempt = services.quiz_attempt_start(employee=employee, course=course)
    answers = right_answers(attempt)

    statuses = in_tabs(4, employee.user, lambda client: submit(client, attempt, answers))

    assert statuses == [302, 302, 302, 302]
    assert QuizAttempt.objects.filter(submitted_at__isnull=False).count() == 1
    assert Completion.objects.filter(employee=employee).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_quiz_starts_open_one_attempt(read_course):
    """A double click on "Start the quiz" (or two tabs) opens a single attempt."""
    course, employee = read_course
    url = reverse("courses:quiz_start", args=[course.pk])

    statuses = in_tabs(4, employee.user, lambda client: client.post(url))

    assert statuses == [302, 302, 302, 302]
    assert QuizAttempt.objects.filter(employee=employee).count() == 1


def test_start_resumes_at_the_first_unread_lesson_and_review_opens_the_first(
    employee_client, employee, quiz_course
):
    first, second = quiz_course.lesson_list
    start = reverse("courses:course_start", args=[quiz_course.pk])
    assert employee_client.post(start)["Location"] == first.url
    services.lesson_complete(employee=employee, lesson=first)
    assert employee_client.post(start)["Location"] == second.url
    services.lesson_complete(employee=employee, lesson=second)
    quiz_url = reverse("courses:quiz", args=[quiz_course.pk])
    assert employee_client.post(start)["Location"] == quiz_url
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    assert employee_client.post(start)["Location"] == first.url
