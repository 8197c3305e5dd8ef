"""Taking a course: enrollment, lessons read, quiz attempts graded on the server, completion."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses import services
from courses.models import Completion, Enrollment, ImmutableRecordError, QuizAttempt
from lms.errors import ApplicationError
from lms.organisation import dates
from tests.courses.conftest import right_answers, wrong_answers
from tests.factories import CoursePageFactory, EmployeeFactory, LessonPageFactory, quiz_bank

pytestmark = pytest.mark.django_db


def read_all(employee, course):
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)


def test_starting_twice_keeps_one_enrollment(employee, quiz_course):
    first = services.enrollment_start(employee=employee, course=quiz_course)
    again = services.enrollment_start(employee=employee, course=quiz_course)
    assert first == again
    assert Enrollment.objects.count() == 1
    assert first.course_edition == quiz_course.edition


def test_course_without_quiz_completes_when_every_lesson_is_read(employee, training_index):
    course = CoursePageFactory(parent=training_index, quiz=[])
    lessons = [LessonPageFactory(parent=course) for _ in range(2)]
    services.lesson_complete(employee=employee, lesson=lessons[0])
    assert not Completion.objects.exists()
    services.lesson_complete(employee=employee, lesson=lessons[1])
    services.lesson_complete(employee=employee, lesson=lessons[1])
    completion = Completion.objects.get()
    assert completion.score is None and completion.expires_at is None
    assert completion.course_title == course.title


def test_quiz_waits_for_the_lessons(employee, quiz_course):
    with pytest.raises(ApplicationError) as excinfo:
        services.quiz_attempt_start(employee=employee, course=quiz_course)
    assert excinfo.value.status == 409
    assert not QuizAttempt.objects.exists()


def test_fail_then_pass_records_both_attempts_and_one_completion(employee, quiz_course):
    read_all(employee, quiz_course)
    assert not Completion.objects.exists(), "a quiz course needs the quiz too"

    first = services.quiz_attempt_start(employee=employee, course=quiz_course)
    failed = services.quiz_attempt_submit(
        employee=employee, attempt_key=first.public_id, answers=wrong_answers(first)
    )
    assert failed.passed is False and failed.score == 0
    assert not Completion.objects.exists()

    second = services.quiz_attempt_start(employee=employee, course=quiz_course)
    assert second.number == 2
    passed = services.quiz_attempt_submit(
        employee=employee, attempt_key=second.public_id, answers=right_answers(second)
    )
    assert passed.passed is True and passed.score == 100
    completion = Completion.objects.get()
    assert completion.attempt == passed
    assert completion.course_edition == quiz_course.edition
    assert completion.expires_at == dates.add_months(completion.completed_at, 12)
    assert completion.expires_at.year == completion.completed_at.year + 1


def test_partial_multiple_select_is_wrong(employee, quiz_course):
    read_all(employee, quiz_course)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    answers = right_answers(attempt)
    multiple = next(q for q in attempt.questions if q["kind"] == "multiple")
    answers[multiple["id"]] = multiple["correct"][:1]
    result = services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=answers
    )
    assert result.score == Decimal("66.67")
    assert result.passed is True  # pass mark 60%


def test_an_open_attempt_is_resumed_not_duplicated(employee, quiz_course):
    read_all(employee, quiz_course)
    first = services.quiz_attempt_start(employee=employee, course=quiz_course)
    again = services.quiz_attempt_start(employee=employee, course=quiz_course)
    assert first.pk == again.pk
    assert QuizAttempt.objects.count() == 1


def test_random_draw_keeps_always_included_questions(employee, training_index):
    bank = quiz_bank(20)
    bank[7]["value"]["always_include"] = True
    course = CoursePageFactory(parent=training_index, quiz=bank, quiz_question_count=5)
    LessonPageFactory(parent=course)
    read_all(employee, course)
    attempt = services.quiz_attempt_start(employee=employee, course=course)
    assert len(attempt.questions) == 5
    assert bank[7]["id"] in {q["id"] for q in attempt.questions}


def test_max_attempts_and_waiting_time(employee, quiz_course):
    quiz_course.quiz_max_attempts = 2
    quiz_course.quiz_wait_minutes = 30
    quiz_course.save()
    read_all(employee, quiz_course)
    now = timezone.now()
    first = services.quiz_attempt_start(employee=employee, course=quiz_course, now=now)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=first.public_id, answers=wrong_answers(first), now=now
    )
    with pytest.raises(ApplicationError) as waiting:
        services.quiz_attempt_start(
            employee=employee, course=quiz_course, now=now + timedelta(minutes=10)
        )
    assert waiting.value.status == 429
    later = now + timedelta(minutes=31)
    second = services.quiz_attempt_start(employee=employee, course=quiz_course, now=later)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=second.public_id, answers=wrong_answers(second), now=later
    )
    with pytest.raises(ApplicationError) as exhausted:
        services.quiz_attempt_start(
            employee=employee, course=quiz_course, now=later + timedelta(days=1)
        )
    assert exhausted.value.status == 403
    assert QuizAttempt.objects.count() == 2


def test_attempts_survive_edits_and_deletion_of_questions(employee, quiz_course):
    read_all(employee, quiz_course)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    snapshot = QuizAttempt.objects.get(pk=attempt.pk).questions

    quiz_course.quiz = quiz_bank(1)  # every original question deleted, a new one added
    quiz_course.title = "Renamed course"
    quiz_course.save_revision().publish()

    stored = QuizAttempt.objects.get(pk=attempt.pk)
    assert stored.questions == snapshot
    assert "Whose guidance do you follow when ICE agents arrive?" in {
        q["text"] for q in stored.questions
    }
    assert stored.course_title == "Encountering federal immigration agents"
    assert Completion.objects.get().course_title == "Encountering federal immigration agents"


def test_records_refuse_change_and_deletion(employee, quiz_course):
    read_all(employee, quiz_course)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    completion = Completion.objects.get()
    completion.score = 1
    with pytest.raises(ImmutableRecordError):
        completion.save()
    with pytest.raises(ImmutableRecordError):
        completion.delete()
    attempt.refresh_from_db()
    with pytest.raises(ImmutableRecordError):
        attempt.delete()


def test_new_edition_adds_a_new_completion(employee, quiz_course):
    read_all(employee, quiz_course)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    quiz_course.edition = 2
    quiz_course.save_revision().publish()
    quiz_course.refresh_from_db()
    read_all(employee, quiz_course)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    assert sorted(Completion.objects.values_list("course_edition", flat=True)) == [1, 2]


def test_inactive_employee_cannot_start(quiz_course):
    leaver = EmployeeFactory(is_active=False)
    with pytest.raises(ApplicationError):
        services.enrollment_start(employee=leaver, course=quiz_course)


def test_records_refuse_queryset_updates_and_deletes(employee, quiz_course):
    """The one immutable-record base guards querysets too (lms/records.py)."""
    read_all(employee, quiz_course)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    started = QuizAttempt.objects.filter(pk=attempt.pk)
    with pytest.raises(ImmutableRecordError):
        started.delete()
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    submitted = QuizAttempt.objects.filter(pk=attempt.pk)
    with pytest.raises(ImmutableRecordError):
        submitted.update(score=1)
    with pytest.raises(ImmutableRecordError):
        submitted.delete()
    completions = Completion.objects.filter(employee=employee)
    with pytest.raises(ImmutableRecordError):
        completions.update(score=1)
    with pytest.raises(ImmutableRecordError):
        Completion.objects.update(course_title="Renamed")
    with pytest.raises(ImmutableRecordError):
        completions.delete()
    assert QuizAttempt.objects.get().score == 100 and Completion.objects.get().score == 100
