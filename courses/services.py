"""Writes for taking a course: start, read lessons, attempt the quiz, complete.

Every function is keyword-only and atomic. Failures a learner can cause (a forged form, a
replayed submission, an exhausted quiz) raise :class:`LearningError` with a message for them
and the HTTP status the view should answer with; nothing is written in that case.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import selectors
from courses.blocks import QuizQuestionBlock
from courses.models import (
    Completion,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuizAttempt,
)
from lms.organisation.models import Employee


class LearningError(Exception):
    """A request a learner cannot make; ``status`` is the HTTP status to answer with."""

    def __init__(self, message: str, *, status: int = 400, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.errors = errors or {}


@dataclass(frozen=True)
class QuizRules:
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    next_attempt_at: datetime | None


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # pragma: no cover - day 28 exists in every month


@transaction.atomic
def enrollment_start(
    *, employee: Employee, course: CoursePage, now: datetime | None = None
) -> Enrollment:
    """Start (or resume) the current edition of a course; starting twice is harmless.

    Once a completion is due for recertification, starting again opens a new cycle.
    """
    if not employee.is_active:
        raise LearningError(_("Your employee record is inactive."), status=403)
    if not course.live:
        raise LearningError(_("This course is not published."), status=404)
    now = _now(now)
    latest = (
        Enrollment.objects.filter(employee=employee, course=course, course_edition=course.edition)
        .select_related("completion")
        .order_by("-cycle")
        .first()
    )
    if latest is None:
        cycle = 1
    elif hasattr(latest, "completion") and selectors.refresher_open(
        completion=latest.completion, now=now
    ):
        # Recertification: the completed cycle stays as it was; the refresher is a new one.
        cycle = latest.cycle + 1
    else:
        return latest
    enrollment, _created = Enrollment.objects.get_or_create(
        employee=employee,
        course=course,
        course_edition=course.edition,
        cycle=cycle,
        defaults={"started_at": now},
    )
    return enrollment


@transaction.atomic
def lesson_complete(
    *, employee: Employee, lesson: LessonPage, now: datetime | None = None
) -> LessonProgress:
    """Record that the learner read a lesson; completes a course without a quiz."""
    if not lesson.live:
        raise LearningError(_("This lesson is not published."), status=404)
    course = lesson.get_parent().specific
    enrollment = enrollment_start(employee=employee, course=course, now=now)
    progress, _created = LessonProgress.objects.get_or_create(
        enrollment=enrollment,
        lesson=lesson,
        defaults={"lesson_title": lesson.title, "completed_at": _now(now)},
    )
    if not course.has_quiz:
        _completion_record(enrollment=enrollment, course=course, now=now)
    return progress


def _lessons_left(*, enrollment: Enrollment, course: CoursePage) -> int:
    done = LessonProgress.objects.filter(enrollment=enrollment).values("lesson_id")
    return course.lessons().exclude(pk__in=done).count()


def quiz_rules(*, enrollment: Enrollment, course: CoursePage) -> QuizRules:
    submitted = list(
        enrollment.attempts.filter(submitted_at__isnull=False)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
    )
    left = None
    if course.quiz_max_attempts:
        left = max(course.quiz_max_attempts - len(submitted), 0)
    next_at = None
    if submitted and course.quiz_wait_minutes:
        next_at = submitted[0] + timedelta(minutes=course.quiz_wait_minutes)
    return QuizRules(attempts_used=len(submitted), attempts_left=left, next_attempt_at=next_at)


def _draw_questions(course: CoursePage, rng: random.Random) -> list[dict]:
    bank = [block for block in course.quiz if block.block_type == "question"]
    always = [block for block in bank if block.value["always_include"]]
    others = [block for block in bank if not block.value["always_include"]]
    wanted = course.quiz_question_count or len(bank)
    drawn = always + rng.sample(others, max(0, min(wanted - len(always), len(others))))
    rng.shuffle(drawn)
    questions = []
    for block in drawn:
        choices = [
            {"id": str(item.id), "text": item.value["text"], "correct": item.value["is_correct"]}
            for item in block.value["choices"].bound_blocks
        ]
        if course.quiz_shuffle_choices and block.value["kind"] != QuizQuestionBlock.TRUE_FALSE:
            rng.shuffle(choices)
        questions.append(
            {
                "id": str(block.id),
                "kind": block.value["kind"],
                "text": block.value["text"],
                "choices": [{"id": c["id"], "text": c["text"]} for c in choices],
                "correct": [c["id"] for c in choices if c["correct"]],
                "explanation": block.value["explanation"],
                "policy_reference": block.value["policy_reference"],
            }
        )
    return questions


@transaction.atomic
def quiz_attempt_start(
    *, employee: Employee, course: CoursePage, now: datetime | None = None
) -> QuizAttempt:
    """Open an attempt with questions drawn now; an open attempt is returned, not duplicated."""
    now = _now(now)
    if not course.has_quiz:
        raise LearningError(_("This course has no quiz."), status=404)
    enrollment = enrollment_start(employee=employee, course=course, now=now)
    open_attempt = enrollment.attempts.filter(submitted_at__isnull=True).first()
    if open_attempt is not None:
        return open_attempt
    if hasattr(enrollment, "completion"):
        raise LearningError(_("You have already completed this course."), status=409)
    if _lessons_left(enrollment=enrollment, course=course):
        raise LearningError(_("Read every lesson before you take the quiz."), status=409)
    rules = quiz_rules(enrollment=enrollment, course=course)
    if rules.attempts_left == 0:
        raise LearningError(
            _("You have used all your attempts at this quiz. Contact your department's liaison."),
            status=403,
        )
    if rules.next_attempt_at and now < rules.next_attempt_at:
        raise LearningError(
            _("You can try the quiz again after %(time)s.")
            % {"time": timezone.localtime(rules.next_attempt_at).strftime("%Y-%m-%d %H:%M")},
            status=429,
        )
    attempt = QuizAttempt(
        enrollment=enrollment,
        employee=employee,
        course=course,
        course_title=course.title,
        course_edition=course.edition,
        number=rules.attempts_used + 1,
        questions=_draw_questions(course, random.SystemRandom()),
        pass_mark=course.quiz_pass_mark,
        validity_months=course.validity_months,
        started_at=now,
    )
    # Uniqueness (one open attempt, one number per enrollment) is the database's to enforce:
    # a concurrent start raises IntegrityError below, whatever the isolation level.
    attempt.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        # Another request opened this attempt a moment ago: use theirs.
        return enrollment.attempts.get(submitted_at__isnull=True)
    return attempt


def _validated_answers(attempt: QuizAttempt, answers: dict[str, list[str]]) -> dict:
    drawn = {q["id"]: q for q in attempt.questions}
    unknown = set(answers) - set(drawn)
    if unknown:
        raise LearningError(
            _("The submission contains questions that are not part of this attempt."), status=400
        )
    errors = {}
    cleaned = {}
    for question_id, question in drawn.items():
        chosen = list(dict.fromkeys(answers.get(question_id) or []))
        allowed = {choice["id"] for choice in question["choices"]}
        if not set(chosen) <= allowed:
            raise LearningError(
                _("The submission contains answers that do not belong to their question."),
                status=400,
            )
        if not chosen:
            errors[question_id] = _("Answer this question.")
        elif question["kind"] != QuizQuestionBlock.MULTIPLE and len(chosen) != 1:
            errors[question_id] = _("Choose one answer.")
        cleaned[question_id] = sorted(chosen)
    if errors:
        raise LearningError(_("Some questions need an answer."), status=400, errors=errors)
    return cleaned


def _grade(attempt: QuizAttempt, answers: dict[str, list[str]]) -> tuple[Decimal, bool]:
    right = sum(1 for q in attempt.questions if sorted(q["correct"]) == answers[q["id"]])
    score = (Decimal(100) * right / len(attempt.questions)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return score, score >= attempt.pass_mark


@transaction.atomic
def quiz_attempt_submit(
    *,
    employee: Employee,
    attempt_key: str,
    answers: dict[str, list[str]],
    now: datetime | None = None,
) -> QuizAttempt:
    """Grade an attempt on the server, exactly once, and complete the course on a pass.

    A replay of the same answers returns the recorded result; different answers for an
    attempt already submitted are refused.
    """
    now = _now(now)
    try:
        attempt = QuizAttempt.objects.get(public_id=attempt_key, employee=employee)
    except QuizAttempt.DoesNotExist:
        raise LearningError(_("This quiz attempt does not exist."), status=404) from None
    cleaned = _validated_answers(attempt, answers)
    if attempt.is_submitted:
        if attempt.answers == cleaned:
            return attempt
        raise LearningError(_("This attempt was already submitted."), status=409)
    score, passed = _grade(attempt, cleaned)
    won = QuizAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
        answers=cleaned, score=score, passed=passed, submitted_at=now
    )
    if not won:
        # A concurrent request submitted first; its result stands.
        attempt.refresh_from_db()
        if attempt.answers == cleaned:
            return attempt
        raise LearningError(_("This attempt was already submitted."), status=409)
    attempt.answers, attempt.score, attempt.passed, attempt.submitted_at = (
        cleaned,
        score,
        passed,
        now,
    )
    if passed:
        # Every lesson was read before the attempt could start (quiz_attempt_start checks),
        # and the attempt holds the course's title, edition and validity as they were then,
        # so completing needs no read of the course.
        _completion_save(
            Completion(
                employee_id=attempt.employee_id,
                course_id=attempt.course_id,
                enrollment_id=attempt.enrollment_id,
                attempt=attempt,
                course_title=attempt.course_title,
                course_edition=attempt.course_edition,
                completed_at=now,
                score=score,
                expires_at=_expiry(now, attempt.validity_months),
            )
        )
    return attempt


def _expiry(completed_at: datetime, validity_months: int | None) -> datetime | None:
    return add_months(completed_at, validity_months) if validity_months else None


def _completion_save(completion: Completion) -> Completion:
    """Save a completion, once: a concurrent duplicate yields the one already recorded."""
    # The foreign keys come from rows just read and uniqueness is the database's to enforce
    # (a concurrent duplicate raises IntegrityError below), so only the values are checked.
    completion.full_clean(
        exclude=["employee", "course", "enrollment", "attempt"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        return Completion.objects.get(enrollment_id=completion.enrollment_id)
    return completion


def _completion_record(
    *, enrollment: Enrollment, course: CoursePage, now: datetime | None
) -> Completion | None:
    """Complete a course without a quiz once every lesson is read."""
    existing = Completion.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    if _lessons_left(enrollment=enrollment, course=course):
        return None
    completed_at = _now(now)
    return _completion_save(
        Completion(
            employee_id=enrollment.employee_id,
            course=course,
            enrollment=enrollment,
            course_title=course.title,
            course_edition=enrollment.course_edition,
            completed_at=completed_at,
            expires_at=_expiry(completed_at, course.validity_months),
        )
    )
