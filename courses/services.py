"""Writes for taking a course: start, read lessons, attempt the quiz, complete.

Every function is keyword-only and atomic. Failures a learner can cause (a forged form, a
replayed submission, an exhausted quiz) raise :class:`ApplicationError` with a message for them
and the HTTP status the view should answer with; nothing is written in that case.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from courses import events, selectors
from courses.blocks import QuizQuestionBlock
from courses.models import (
    DEFAULT_GRACE_DAYS,
    Acknowledgment,
    Clause,
    Completion,
    CompletionRevocation,
    CourseEdition,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    QuizAttempt,
)
from lms.audit import audit_record
from lms.errors import ApplicationError
from lms.organisation.dates import expiry
from lms.organisation.models import Employee


def attempt_time(moment: datetime) -> str:
    """A moment as learners read it: local time, in the active language's format."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@dataclass(frozen=True)
class QuizRules:
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    next_attempt_at: datetime | None


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _language_of(shown: CoursePage | None) -> str:
    """The language of the text a learner was shown: the translation's, else English."""
    return shown.locale.language_code if shown is not None else settings.LANGUAGE_CODE


@transaction.atomic
def enrollment_start(
    *, employee: Employee, course: CoursePage, now: datetime | None = None
) -> Enrollment:
    """Start (or resume) the current edition of a course; starting twice is harmless.

    Once a completion is due for recertification, or once it was revoked (its certificate
    revoked: ``completion_revoke``), starting again opens a new cycle.
    """
    if not employee.is_active:
        raise ApplicationError(_("Your employee record is inactive."), status=403)
    # A translation is the same course: records always refer to its source.
    course = selectors.course_source(course)
    if not course.live:
        raise ApplicationError(_("This course is not published."), status=404)
    now = _now(now)
    latest = (
        Enrollment.objects.filter(employee=employee, course=course, course_edition=course.edition)
        .select_related("completion")
        .order_by("-cycle")
        .first()
    )
    if latest is None:
        cycle = 1
    elif hasattr(latest, "completion") and (
        selectors.is_revoked(completion=latest.completion)
        or selectors.refresher_open(completion=latest.completion, now=now)
    ):
        # Recertification, or a retake after a revocation: the completed cycle stays as it
        # was; the new one is read and tested in full.
        cycle = latest.cycle + 1
    else:
        return latest
    enrollment, _created = Enrollment.objects.get_or_create(
        employee=employee,
        course=course,
        course_edition=course.edition,
        cycle=cycle,
        defaults={
            "started_at": now,
            "is_update": cycle == 1 and selectors.takes_update(employee=employee, course=course),
        },
    )
    return enrollment


@transaction.atomic
def lesson_complete(
    *,
    employee: Employee,
    lesson: LessonPage,
    now: datetime | None = None,
    shown: CoursePage | None = None,
) -> LessonProgress:
    """Record that the learner read a lesson; completes a course without a quiz.

    ``lesson`` may be a translation: the source lesson is recorded. ``shown`` is the course's
    translation the learner reads, if any: its title is the one the completion keeps."""
    if not lesson.live:
        raise ApplicationError(_("This lesson is not published."), status=404)
    lesson = selectors.course_source(lesson)
    if not lesson.live:
        raise ApplicationError(_("This lesson is not published."), status=404)
    course = lesson.get_parent().specific
    enrollment = enrollment_start(employee=employee, course=course, now=now)
    progress, _created = LessonProgress.objects.get_or_create(
        enrollment=enrollment,
        lesson=lesson,
        defaults={"lesson_title": lesson.title, "completed_at": _now(now)},
    )
    if not selectors.quiz_bank(course, enrollment):
        _completion_record(enrollment=enrollment, course=course, now=now, shown=shown)
    return progress


def _lessons_left(*, enrollment: Enrollment, course: CoursePage) -> int:
    done = LessonProgress.objects.filter(enrollment=enrollment).values("lesson_id")
    return (
        selectors.required_lessons(course=course, enrollment=enrollment)
        .exclude(pk__in=done)
        .count()
    )


#: The window of a course's "maximum attempts in any 24 hours".
ATTEMPT_WINDOW = timedelta(hours=24)


def quiz_rules(
    *, enrollment: Enrollment, course: CoursePage, now: datetime | None = None
) -> QuizRules:
    """How many attempts are used and left, and when the next may start (None: now).

    Two rules can make a learner wait, whichever ends later: the course's waiting time after
    the last attempt, and its maximum number of attempts started in any 24 hours.
    """
    now = _now(now)
    submitted = list(
        enrollment.attempts.filter(submitted_at__isnull=False)
        .order_by("-submitted_at")
        .values_list("started_at", "submitted_at")
    )
    left = None
    if course.quiz_max_attempts:
        left = max(course.quiz_max_attempts - len(submitted), 0)
    waits = []
    if submitted and course.quiz_wait_minutes:
        waits.append(submitted[0][1] + timedelta(minutes=course.quiz_wait_minutes))
    daily = course.quiz_max_attempts_per_day
    if daily:
        recent = sorted(
            started for started, _submitted in submitted if started > now - ATTEMPT_WINDOW
        )
        if len(recent) >= daily:
            # Once the earliest of the last ``daily`` attempts is 24 hours old, one more fits.
            waits.append(recent[-daily] + ATTEMPT_WINDOW)
    next_at = max(waits, default=None)
    if next_at is not None and next_at <= now:
        next_at = None
    return QuizRules(attempts_used=len(submitted), attempts_left=left, next_attempt_at=next_at)


def _clause_snapshots(clause_ids: list[str]) -> list[dict]:
    clauses = Clause.objects.filter(pk__in=[int(pk) for pk in clause_ids if str(pk).isdigit()])
    return [
        {
            "id": clause.pk,
            "document": clause.document.title,
            "number": clause.number,
            "title": clause.title,
            "label": clause.label,
        }
        for clause in clauses.select_related("document").order_by("document__title", "sort_order")
    ]


def _draw_questions(
    course: CoursePage,
    rng: random.Random,
    enrollment: Enrollment | None = None,
    shown: CoursePage | None = None,
) -> list[dict]:
    """Draw an attempt's questions from the course's bank, with the text of ``shown`` (its
    translation the learner reads) when given: a translated question keeps its block id, so
    the attempt's ids are the source's whatever the language."""
    bank = selectors.quiz_bank(course, enrollment)
    if shown is not None:
        translated = {block.id: block for block in shown.quiz if block.block_type == "question"}
        bank = [translated.get(block.id, block) for block in bank]
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
        clauses = _clause_snapshots(block.value.get("clauses") or [])
        questions.append(
            {
                "id": str(block.id),
                "kind": block.value["kind"],
                "text": block.value["text"],
                "choices": [{"id": c["id"], "text": c["text"]} for c in choices],
                "correct": [c["id"] for c in choices if c["correct"]],
                "explanation": block.value["explanation"],
                "policy_reference": ", ".join(clause["label"] for clause in clauses),
                "clauses": clauses,
            }
        )
    return questions


@transaction.atomic
def quiz_attempt_start(
    *,
    employee: Employee,
    course: CoursePage,
    now: datetime | None = None,
    shown: CoursePage | None = None,
) -> QuizAttempt:
    """Open an attempt with questions drawn now; an open attempt is returned, not duplicated.

    ``shown`` is the course's translation the learner reads (``selectors.course_translation_
    shown``), if any: the attempt keeps its title and questions exactly as shown, in its
    language; the attempt itself belongs to the source course."""
    now = _now(now)
    course = selectors.course_source(course)
    if not course.has_quiz:
        raise ApplicationError(_("This course has no quiz."), status=404)
    enrollment = enrollment_start(employee=employee, course=course, now=now)
    if not selectors.quiz_bank(course, enrollment):
        raise ApplicationError(_("Your update has no quiz."), status=404)
    open_attempt = enrollment.attempts.filter(submitted_at__isnull=True).first()
    if open_attempt is not None:
        return open_attempt
    if hasattr(enrollment, "completion"):
        raise ApplicationError(_("You have already completed this course."), status=409)
    if _lessons_left(enrollment=enrollment, course=course):
        raise ApplicationError(_("Read every lesson before you take the quiz."), status=409)
    rules = quiz_rules(enrollment=enrollment, course=course, now=now)
    if rules.attempts_left == 0:
        raise ApplicationError(
            _("You have used all your attempts at this quiz. Contact your department's liaison."),
            status=403,
        )
    if rules.next_attempt_at is not None:
        # Refused before anything is written: the learner waits, and reviews the lessons.
        raise ApplicationError(
            _(
                "You can take the quiz again from %(time)s. Until then, review the lessons: "
                "the next attempt may ask different questions."
            )
            % {"time": attempt_time(rules.next_attempt_at)},
            status=429,
            retry_at=rules.next_attempt_at,
        )
    attempt = QuizAttempt(
        enrollment=enrollment,
        employee=employee,
        course=course,
        course_title=(shown or course).title,
        course_edition=course.edition,
        language=_language_of(shown),
        number=rules.attempts_used + 1,
        questions=_draw_questions(course, random.SystemRandom(), enrollment, shown),
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
        raise ApplicationError(
            _("The submission contains questions that are not part of this attempt."), status=400
        )
    errors = {}
    cleaned = {}
    for question_id, question in drawn.items():
        chosen = list(dict.fromkeys(answers.get(question_id) or []))
        allowed = {choice["id"] for choice in question["choices"]}
        if not set(chosen) <= allowed:
            raise ApplicationError(
                _("The submission contains answers that do not belong to their question."),
                status=400,
            )
        if not chosen:
            errors[question_id] = _("Answer this question.")
        elif question["kind"] != QuizQuestionBlock.MULTIPLE and len(chosen) != 1:
            errors[question_id] = _("Choose one answer.")
        cleaned[question_id] = sorted(chosen)
    if errors:
        raise ApplicationError(_("Some questions need an answer."), status=400, errors=errors)
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
    attempt = selectors.attempt_to_submit(employee=employee, attempt_key=attempt_key)
    if attempt is None:
        raise ApplicationError(_("This quiz attempt does not exist."), status=404)
    cleaned = _validated_answers(attempt, answers)
    if attempt.is_submitted:
        if attempt.answers == cleaned:
            return attempt
        raise ApplicationError(_("This attempt was already submitted."), status=409)
    score, passed = _grade(attempt, cleaned)
    won = QuizAttempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
        answers=cleaned, score=score, passed=passed, submitted_at=now
    )
    if not won:
        # A concurrent request submitted first; its result stands.
        attempt.refresh_from_db()
        if attempt.answers == cleaned:
            return attempt
        raise ApplicationError(_("This attempt was already submitted."), status=409)
    attempt.answers, attempt.score, attempt.passed, attempt.submitted_at = (
        cleaned,
        score,
        passed,
        now,
    )
    # A course with an acknowledgment completes when the learner signs it (acknowledgment_sign);
    # the same test as selectors.acknowledgment_required, on the text read with the attempt.
    if passed and not (attempt.course_acknowledgment_text or "").strip():
        # Every lesson was read before the attempt could start (quiz_attempt_start checks),
        # and the attempt holds the course's title, edition and validity as they were then,
        # so completing needs no read of the course.
        _completion_save(
            completion_build(
                employee=employee,  # loaded with its user: the certificate copies the name
                course_id=attempt.course_id,
                enrollment_id=attempt.enrollment_id,
                attempt=attempt,
                course_title=attempt.course_title,
                language=attempt.language,
                course_edition=attempt.course_edition,
                completed_at=now,
                score=score,
                validity_months=attempt.validity_months,
            )
        )
    return attempt


def completion_build(
    *,
    course_title: str,
    language: str,
    course_edition: int,
    completed_at: datetime,
    validity_months: int | None,
    score: Decimal | int | None = None,
    **links,
) -> Completion:
    """The one constructor of a completion (unsaved): the snapshot of the course as it was
    (title, edition), when, the score, and its expiry by the course's validity
    (``lms.organisation.dates.expiry``).

    ``links`` are the records it belongs to, as instances or ids: ``employee``/``employee_id``,
    ``course``/``course_id``, ``enrollment``/``enrollment_id`` and, after a quiz, ``attempt``.
    The services save it with :func:`_completion_save`; bulk writers (the demo's history) may
    ``bulk_create`` what it builds.
    """
    return Completion(
        **links,
        course_title=course_title,
        language=language,
        course_edition=course_edition,
        completed_at=completed_at,
        score=score,
        expires_at=expiry(completed_at, validity_months),
    )


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
    # Compliance copies the completion onto its assignments, and certificates issue its
    # certificate (rendered by a task once this commits), in this same transaction.
    events.completion_recorded.send(sender=Completion, completion=completion)
    return completion


def _completion_record(
    *,
    enrollment: Enrollment,
    course: CoursePage,
    now: datetime | None,
    shown: CoursePage | None = None,
) -> Completion | None:
    """Complete a course without a quiz once every lesson is read."""
    existing = Completion.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    if _lessons_left(enrollment=enrollment, course=course):
        return None
    if course.acknowledgment_text.strip():
        return None  # recorded by acknowledgment_sign
    completed_at = _now(now)
    return _completion_save(
        completion_build(
            employee_id=enrollment.employee_id,
            course=course,
            enrollment=enrollment,
            course_title=(shown or course).title,
            language=_language_of(shown),
            course_edition=enrollment.course_edition,
            completed_at=completed_at,
            validity_months=course.validity_months,
        )
    )


@transaction.atomic
def completion_revoke(
    *, completion: Completion, revoked_at: datetime, revoked_by, reason: str, new_due_on
) -> CompletionRevocation:
    """Void a completion for compliance from ``revoked_at`` (its certificate was revoked by
    ``certificates.services.certificate_revoke``, which checked the reason and the date).

    The completion stays as it was recorded; a :class:`CompletionRevocation` says it no longer
    counts, why, and by when (``new_due_on``) its holder must complete the course again. Its
    holder may then start the course again (a new cycle, see :func:`enrollment_start`).
    Compliance hears of it through ``events.completion_revoked``. A completion is voided once:
    a second revocation is refused (409).
    """
    locked = Completion.objects.select_for_update().get(pk=completion.pk)
    if CompletionRevocation.objects.filter(completion=locked).exists():
        raise ApplicationError(_("This completion was already revoked."), status=409)
    revocation = CompletionRevocation(
        completion=locked,
        revoked_at=revoked_at,
        revoked_by=revoked_by,
        reason=reason,
        due_again_on=new_due_on,
    )
    revocation.full_clean(exclude=["completion", "revoked_by"])
    revocation.save()
    events.completion_revoked.send(
        sender=Completion,
        completion=locked,
        revoked_at=revoked_at,
        new_due_on=new_due_on,
        reason=reason,
    )
    return revocation


# --- Acknowledgments ----------------------------------------------------------------------------


def _normalized_name(name: str) -> str:
    return " ".join(name.split()).casefold()


@transaction.atomic
def acknowledgment_sign(
    *,
    employee: Employee,
    course: CoursePage,
    signature: str,
    now: datetime | None = None,
    shown: CoursePage | None = None,
) -> Acknowledgment:
    """Sign a course's acknowledgment by typing one's full name, then record the completion.

    Only once everything else is done (lessons read, quiz passed); the exact text shown, the
    edition, the typed name and the time are kept as a record that never changes.
    """
    now = _now(now)
    course = selectors.course_source(course)
    # The statement is signed in the language it is shown in (``shown``: the translation read).
    text = selectors.acknowledgment_text(course=course, shown=shown)
    if not text:
        raise ApplicationError(_("This course has no acknowledgment to sign."), status=404)
    enrollment = enrollment_start(employee=employee, course=course, now=now)
    if hasattr(enrollment, "acknowledgment"):
        return enrollment.acknowledgment
    if _lessons_left(enrollment=enrollment, course=course):
        raise ApplicationError(_("Read every lesson before you sign."), status=409)
    attempt = None
    if course.has_quiz and selectors.quiz_bank(course, enrollment):
        attempt = enrollment.attempts.filter(passed=True).order_by("-submitted_at").first()
        if attempt is None:
            raise ApplicationError(_("Pass the quiz before you sign."), status=409)
    user = employee.user
    full_name = _normalized_name(f"{user.first_name} {user.last_name}")
    typed = _normalized_name(signature)
    if not typed or typed != full_name:
        raise ApplicationError(
            _(
                "The name you typed does not match the name on your employee record "
                "(%(name)s). Type your first and last name."
            )
            % {"name": user.get_full_name()},
            status=400,
            errors={"signature": _("Type your full name as it appears on your record.")},
        )
    acknowledgment = Acknowledgment(
        enrollment=enrollment,
        employee=employee,
        course=course,
        course_title=(shown or course).title,
        course_edition=enrollment.course_edition,
        text=text,
        signature=" ".join(signature.split()),
        signed_at=now,
    )
    acknowledgment.full_clean(exclude=["enrollment", "employee", "course"])
    acknowledgment.save()
    audit_record(
        instance=acknowledgment,
        action="lms.acknowledgment.sign",
        user=user,
        data={"edition": enrollment.course_edition, "employee": employee.employee_number},
    )
    if attempt is not None:
        _completion_save(
            completion_build(
                employee_id=employee.pk,
                course_id=course.pk,
                enrollment_id=enrollment.pk,
                attempt=attempt,
                course_title=attempt.course_title,
                language=attempt.language,
                course_edition=attempt.course_edition,
                completed_at=now,
                score=attempt.score,
                validity_months=attempt.validity_months,
            )
        )
    else:
        _completion_save(
            completion_build(
                employee_id=employee.pk,
                course=course,
                enrollment=enrollment,
                course_title=(shown or course).title,
                language=_language_of(shown),
                course_edition=enrollment.course_edition,
                completed_at=now,
                validity_months=course.validity_months,
            )
        )
    return acknowledgment


# --- Editions -----------------------------------------------------------------------------------


class EditionError(Exception):
    """An edition that cannot be prepared as asked; ``message`` is for the editor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def course_edition_prepare(
    *,
    course: CoursePage,
    summary: str,
    changed_lessons: list[LessonPage],
    user,
    grace_days: int = DEFAULT_GRACE_DAYS,
    now: datetime | None = None,
) -> CourseEdition:
    """Mark the course's next publication as a new edition and submit it for legal approval.

    The edition takes effect when the course is published, that is when a legal reviewer
    approves it (:func:`course_edition_publish`); until then it is pending and can be revised.
    ``now`` is when it was prepared (default: now; the demo's history passes a past moment).
    """
    lesson_ids = set(LessonPage.objects.child_of(course).values_list("pk", flat=True))
    if any(lesson.pk not in lesson_ids for lesson in changed_lessons):
        raise EditionError(_("Changed lessons must be lessons of this course."))
    edition = CourseEdition.objects.filter(course=course, published_at__isnull=True).first()
    if edition is None:
        edition = CourseEdition(course=course, prepared_by=user)
    edition.summary = summary.strip()
    edition.grace_days = grace_days
    edition.prepared_by = user
    edition.prepared_at = _now(now)
    edition.full_clean(exclude=["course", "prepared_by"], validate_constraints=False)
    edition.save()
    edition.changed_lessons.set(changed_lessons)
    # Logged on the edition (not the page), so OEI, who has no page permissions, reads it.
    audit_record(
        instance=edition,
        action="lms.course.edition_prepare",
        user=user,
        data={
            "course": course.title,
            "summary": edition.summary,
            "grace_days": grace_days,
            "changed_lessons": sorted(lesson.pk for lesson in changed_lessons),
        },
    )
    # The course goes to the City Attorney's Office: its approval publishes the edition.
    course = course.specific
    workflow = course.get_workflow()
    if workflow is not None and not course.workflow_in_progress:
        # The latest revision (the editor's draft, or the live content) is what is reviewed.
        if course.latest_revision_id is None:
            course.save_revision(user=user)
        workflow.start(course, user)
    return edition


@transaction.atomic
def course_edition_publish(
    *, course: CoursePage, user=None, now: datetime | None = None
) -> CourseEdition | None:
    """Publish the course's pending edition, if any: called when the course is published.

    The course's edition number goes up and the lesson changes made for the edition go live;
    from then on completions of earlier editions no longer
    count for a requirement using the course, and their holders owe the update by the due
    date (publication date plus the grace period). Nothing already recorded changes. Without a
    pending edition (a minor edit), nothing happens.
    """
    now = _now(now)
    edition = (
        CourseEdition.objects.select_for_update()
        .filter(course_id=course.pk, published_at__isnull=True)
        .first()
    )
    if edition is None:
        return None
    current = CoursePage.objects.filter(pk=course.pk).values_list("edition", flat=True).get()
    edition.number = current + 1
    edition.published_at = now
    edition.published_by = user
    edition.due_on = edition.due_date_from(now)
    edition.full_clean(exclude=["course", "prepared_by", "published_by"])
    edition.save()
    CoursePage.objects.filter(pk=course.pk).update(edition=edition.number)
    course.edition = edition.number
    # The lesson changes that waited for this edition (its changed lessons' latest revisions,
    # and the revisions held while it was pending) go live with it, in this transaction: the
    # edition is no longer pending, so LessonPage.publish publishes them.
    lessons_published = []
    for revision in selectors.edition_lesson_revisions(edition=edition):
        revision.publish(user=user, skip_permission_checks=True)
        lessons_published.append(int(revision.object_id))
    # Compliance gives everyone who completed an earlier edition the update's due date.
    events.edition_published.send(sender=CourseEdition, course_id=course.pk, edition=edition)
    audit_record(
        instance=edition,
        action="lms.course.new_edition",
        user=user,
        data={
            "course": course.title,
            "edition": edition.number,
            "summary": edition.summary,
            "grace_days": edition.grace_days,
            "due_on": edition.due_on.isoformat(),
            "changed_lessons": sorted(edition.changed_lessons.values_list("pk", flat=True)),
            "lessons_published": sorted(lessons_published),
        },
    )
    return edition


# --- Translations (issue 18) --------------------------------------------------------------------


def translation_edition_record(
    *, translation: CoursePage, revision=None, user=None, now: datetime | None = None
) -> bool:
    """On a translation's publication (the City Attorney's approval), make it a translation
    of its source's current edition, if it was updated since that edition was published.

    A translation made for an earlier edition is *behind its source edition*: learners are
    given the source instead (``selectors.course_translation_shown``) until a revision of the
    translation written after the new edition's publication is approved. Approving an old
    revision again leaves it behind. Returns whether it caught up.
    """
    source = selectors.course_source(translation)
    if source.pk == translation.pk or translation.edition >= source.edition:
        return False
    published_at = (
        CourseEdition.objects.filter(course=source, number=source.edition)
        .values_list("published_at", flat=True)
        .first()
    )
    written_at = revision.created_at if revision is not None else _now(now)
    if published_at is not None and written_at < published_at:
        return False
    CoursePage.objects.filter(pk=translation.pk).update(edition=source.edition)
    translation.edition = source.edition
    audit_record(
        instance=translation,
        action="lms.course.translation_updated",
        user=user,
        data={
            "source": source.pk,
            "language": translation.locale.language_code,
            "edition": source.edition,
        },
    )
    return True
