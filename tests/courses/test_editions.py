"""New editions: completions of earlier editions stop counting, the people who held them owe
an update (only the changed lessons and their questions) by the grace period's end, nobody
else's due date moves, and nothing already recorded changes. Minor edits trigger nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import selectors, services
from courses.approval import approval_workflow_ensure
from courses.models import Completion, CourseEdition, CoursePage, QuizAttempt
from lms.compliance.selectors import Status, my_assignments_of
from lms.compliance.services import assignments_sync
from lms.organisation import roles
from lms.organisation.roles import roles_sync
from tests.courses.conftest import right_answers
from tests.factories import (
    ClauseFactory,
    CoursePageFactory,
    EmployeeFactory,
    GuidanceDocumentFactory,
    LessonPageFactory,
    TrainingRequirementFactory,
    UserFactory,
    quiz_question,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clauses():
    document = GuidanceDocumentFactory(short_name="EO")
    return {
        number: ClauseFactory(document=document, number=number, title=f"Section {number}")
        for number in ("7", "9")
    }


def question(text, clause):
    data = quiz_question(text, [("Right", True), ("Wrong", False)])
    data["value"]["clauses"] = [str(clause.pk)]
    return data


@pytest.fixture
def course(training_index, clauses):
    """Two lessons, one per clause, and a question on each clause."""
    course = CoursePageFactory(
        parent=training_index,
        title="Encountering federal agents",
        quiz_pass_mark=50,
        quiz=[
            question("Whose guidance do you follow?", clauses["7"]),
            question("Whom do you report ICE activity to?", clauses["9"]),
        ],
    )
    course.guidance_lesson = LessonPageFactory(parent=course, title="The guidance")
    course.guidance_lesson.clauses.set([clauses["7"]])
    course.guidance_lesson.save_revision().publish()
    course.reporting_lesson = LessonPageFactory(parent=course, title="Reporting")
    course.reporting_lesson.clauses.set([clauses["9"]])
    course.reporting_lesson.save_revision().publish()
    return course


@pytest.fixture
def editor():
    roles_sync()
    return UserFactory(roles=[roles.CONTENT_EDITOR])


@pytest.fixture
def requirement(course):
    return TrainingRequirementFactory(course=course, due_days=30, recertify_months=None)


def take(employee, course, now):
    for lesson in selectors.required_lessons(
        course=course,
        enrollment=services.enrollment_start(employee=employee, course=course, now=now),
    ):
        services.lesson_complete(employee=employee, lesson=lesson, now=now)
    attempt = services.quiz_attempt_start(employee=employee, course=course, now=now)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt), now=now
    )
    return attempt


def status_of(employee):
    (assignment,) = my_assignments_of(employee=employee)
    return assignment


def publish_edition(course, editor, changed, grace_days=30, now=None):
    services.course_edition_prepare(
        course=course,
        summary="Section 7 memo updated.",
        changed_lessons=changed,
        grace_days=grace_days,
        user=editor,
    )
    return services.course_edition_publish(course=course, user=editor, now=now)


def test_a_new_edition_supersedes_earlier_completions_and_reassigns_only_their_holders(
    course, requirement, editor
):
    long_ago = timezone.now() - timedelta(days=200)
    completer, never, late_hire = EmployeeFactory(), EmployeeFactory(), EmployeeFactory()
    assignments_sync(today=long_ago.date())
    take(completer, course, long_ago)
    never_due = status_of(never).effective_due_on
    attempt = QuizAttempt.objects.get(employee=completer)
    completion = Completion.objects.get(employee=completer)
    snapshot = (attempt.questions, attempt.score, attempt.course_edition, completion.completed_at)
    assert status_of(completer).status == Status.COMPLETED

    edition = publish_edition(course, editor, [course.guidance_lesson])

    course.refresh_from_db()
    assert (course.edition, edition.number) == (2, 2)
    assert edition.due_on == timezone.localdate() + timedelta(days=30)
    superseded = status_of(completer)
    # Compliant, with the update due (issue 16), until the update's due date.
    assert superseded.status == Status.UPDATE_DUE
    assert superseded.status in Status.COMPLIANT
    assert superseded.effective_due_on == edition.due_on
    assert superseded.update_due_on == edition.due_on
    # Someone who never completed keeps their own (long past) due date.
    assert status_of(never).effective_due_on == never_due
    assert status_of(never).status == Status.OVERDUE
    assert status_of(late_hire).update_due_on is None
    # History is never rewritten.
    attempt.refresh_from_db()
    completion.refresh_from_db()
    assert (
        attempt.questions,
        attempt.score,
        attempt.course_edition,
        completion.completed_at,
    ) == snapshot
    assert completion.course_edition == 1
    assert selectors.superseded_by_edition(course_id=course.pk, edition=1) == 2
    assert selectors.superseded_by_edition(course_id=course.pk, edition=2) is None


def test_previous_completers_take_only_the_changed_lessons_and_their_questions(
    course, requirement, editor
):
    completer, newcomer = EmployeeFactory(), EmployeeFactory()
    assignments_sync()
    take(completer, course, timezone.now() - timedelta(days=10))
    publish_edition(course, editor, [course.guidance_lesson])
    course.refresh_from_db()

    update = services.enrollment_start(employee=completer, course=course)
    assert update.is_update and update.course_edition == 2
    assert list(selectors.required_lessons(course=course, enrollment=update)) == [
        course.guidance_lesson
    ]
    attempt = take(completer, course, timezone.now())
    assert [q["text"] for q in attempt.questions] == ["Whose guidance do you follow?"]
    assert attempt.questions[0]["clauses"][0]["label"] == "EO §7"
    assert status_of(completer).status == Status.COMPLETED
    assert Completion.objects.filter(employee=completer).count() == 2

    full = services.enrollment_start(employee=newcomer, course=course)
    assert not full.is_update
    assert selectors.required_lessons(course=course, enrollment=full).count() == 2
    assert len(take(newcomer, course, timezone.now()).questions) == 2


def test_without_changed_lessons_everyone_retakes_the_whole_course(course, requirement, editor):
    completer = EmployeeFactory()
    assignments_sync()
    take(completer, course, timezone.now() - timedelta(days=10))
    publish_edition(course, editor, [])
    course.refresh_from_db()
    enrollment = services.enrollment_start(employee=completer, course=course)
    assert not enrollment.is_update
    assert len(take(completer, course, timezone.now()).questions) == 2


def test_the_grace_period_is_the_editions(course, requirement, editor):
    completer = EmployeeFactory()
    assignments_sync()
    take(completer, course, timezone.now() - timedelta(days=10))
    edition = publish_edition(course, editor, [course.guidance_lesson], grace_days=7)
    assert status_of(completer).effective_due_on == timezone.localdate() + timedelta(days=7)
    assert status_of(completer).status == Status.UPDATE_DUE
    # After the grace period the superseded completion is overdue.
    later = edition.due_on + timedelta(days=1)
    (row,) = my_assignments_of(employee=completer, today=later)
    assert row.status == Status.OVERDUE


def test_minor_edits_publish_without_any_of_this(course, requirement):
    completer = EmployeeFactory()
    assignments_sync()
    take(completer, course, timezone.now() - timedelta(days=10))
    revision = course.save_revision()
    course.title = "Encountering federal agents (typo fixed)"
    course.save_revision().publish()
    course.refresh_from_db()
    assert revision and course.edition == 1
    assert not CourseEdition.objects.exists()
    assert status_of(completer).status == Status.COMPLETED
    assert status_of(completer).update_due_on is None


def test_the_approved_publication_publishes_the_prepared_edition(course, requirement, editor):
    approval_workflow_ensure()
    services.course_edition_prepare(
        course=course, summary="New memo.", changed_lessons=[], user=editor
    )
    assert CoursePage.objects.get(pk=course.pk).edition == 1, "nothing before approval"
    edition = CourseEdition.objects.get()
    assert edition.number is None and not edition.is_published

    course.refresh_from_db()
    course.get_latest_revision().publish()
    edition.refresh_from_db()
    assert edition.number == 2 and edition.is_published
    assert CoursePage.objects.get(pk=course.pk).edition == 2
    # Publishing again (a later minor edit) changes nothing more.
    course.refresh_from_db()
    course.save_revision().publish()
    assert CoursePage.objects.get(pk=course.pk).edition == 2
    assert CourseEdition.objects.count() == 1


def test_a_revision_never_changes_the_edition(course, requirement, editor):
    draft = course.save_revision()  # holds edition 1
    publish_edition(course, editor, [])
    draft.publish()
    assert CoursePage.objects.get(pk=course.pk).edition == 2


def test_changed_lessons_must_belong_to_the_course(course, editor, training_index):
    other = CoursePageFactory(parent=training_index)
    stranger = LessonPageFactory(parent=other)
    with pytest.raises(services.EditionError):
        services.course_edition_prepare(
            course=course, summary="x", changed_lessons=[stranger], user=editor
        )
    assert not CourseEdition.objects.exists()


def test_a_superseded_completions_certificate_verifies_as_superseded_at_once(
    course, requirement, editor
):
    from certificates.models import Certificate, VerificationStatus

    completer = EmployeeFactory()
    assignments_sync()
    take(completer, course, timezone.now() - timedelta(days=20))
    certificate = Certificate.objects.get(employee=completer)
    assert certificate.verification_status().code == VerificationStatus.VALID
    assert Certificate.objects.current().filter(pk=certificate.pk).exists()

    publish_edition(course, editor, [course.guidance_lesson])

    certificate.refresh_from_db()
    status = certificate.verification_status()
    assert (status.code, status.edition) == (VerificationStatus.SUPERSEDED, 2)
    assert not Certificate.objects.current().filter(pk=certificate.pk).exists()
    assert certificate.course_edition == 1, "the certificate itself is never rewritten"


def test_an_update_learner_taking_only_the_changed_lesson_sees_the_sample_notice(
    settings, client, course, requirement, editor
):
    """Issue 18: the notice is on every page an update learner reads, not only lesson 1."""
    settings.LMS_SAMPLE_CONTENT_NOTICE = True
    completer = EmployeeFactory()
    assignments_sync()
    take(completer, course, timezone.now() - timedelta(days=10))
    publish_edition(course, editor, [course.guidance_lesson])
    course.refresh_from_db()
    update = services.enrollment_start(employee=completer, course=course)
    client.force_login(completer.user)

    changed = client.get(course.guidance_lesson.url).content.decode()
    services.lesson_complete(employee=completer, lesson=course.guidance_lesson)
    quiz = client.get(reverse("courses:quiz", args=[course.pk])).content.decode()

    assert update.is_update
    assert list(selectors.required_lessons(course=course, enrollment=update)) == [
        course.guidance_lesson
    ]
    notice = "Sample content: not the City's official training."
    assert notice in changed and notice in quiz
