"""Reads about learners' progress, always scoped to the requesting user."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import formats, timezone

from courses import events
from courses.models import (
    Clause,
    Completion,
    CompletionRevocation,
    CourseEdition,
    CoursePage,
    Enrollment,
    GuidanceDocument,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    QuizReview,
)
from lms.figures import percent
from lms.organisation import dates
from lms.organisation.models import Employee
from lms.organisation.selectors import employee_for


@dataclass
class CourseProgress:
    enrollment: Enrollment | None = None
    completed_lesson_ids: set[int] = field(default_factory=set)
    lesson_count: int = 0
    completion: Completion | None = None
    #: The completion is due for recertification: starting again opens a refresher.
    refresher_open: bool = False
    #: An update for someone who completed an earlier edition: only these lessons count.
    required_lesson_ids: set[int] | None = None
    #: The published edition the enrollment is for, when it is not the first.
    edition: CourseEdition | None = None
    #: Everything is done but the acknowledgment, which the learner still has to sign.
    acknowledgment_due: bool = False
    #: How many questions an update's quiz has (those on the changed lessons' clauses).
    update_question_count: int = 0
    #: The latest completion of this edition was revoked (its certificate revoked): it no
    #: longer counts, and the course is taken again from the start (a new cycle).
    revocation: CompletionRevocation | None = None

    @property
    def update_has_quiz(self) -> bool:
        return self.update_question_count > 0

    @property
    def is_update(self) -> bool:
        return self.required_lesson_ids is not None

    @property
    def lessons_done(self) -> int:
        if self.required_lesson_ids is not None:
            return len(self.completed_lesson_ids & self.required_lesson_ids)
        return len(self.completed_lesson_ids)

    @property
    def percent(self) -> int:
        return percent(self.lessons_done, self.lesson_count, nearest=True, empty=0)

    @property
    def all_lessons_done(self) -> bool:
        return self.lessons_done >= self.lesson_count


#: How long before a completion expires its refresher opens, when no requirement says.
DEFAULT_REFRESHER_WINDOW = timedelta(days=30)


def is_revoked(*, completion: Completion) -> bool:
    """Whether the completion was voided by the revocation of its certificate."""
    return CompletionRevocation.objects.filter(completion_id=completion.pk).exists()


def refresher_open(*, completion: Completion, now: datetime | None = None) -> bool:
    """Whether the course can be taken again to recertify: the completion expires (by its own
    validity or by a requirement's recertification cycle) within the window before expiry."""
    now = now or timezone.now()
    if completion.expires_at and now >= dates.recertification_opens(
        completion.expires_at, DEFAULT_REFRESHER_WINDOW.days
    ):
        return True
    answers = events.recertification_cycles.send(sender=Completion, course_id=completion.course_id)
    for _receiver, cycles in answers:
        for months, window_days in cycles:
            expires_at = dates.add_months(completion.completed_at, months)
            if now >= dates.recertification_opens(expires_at, window_days):
                return True
    return False


def course_progress(*, user, course: CoursePage, lessons: list) -> CourseProgress:
    """Where the user stands in the current edition of ``course`` (two queries at most)."""
    progress = CourseProgress(lesson_count=len(lessons))
    employee = employee_for(user=user)
    if employee is None:
        return progress
    enrollment = (
        Enrollment.objects.filter(employee=employee, course=course, course_edition=course.edition)
        .select_related("completion")
        .order_by("-cycle")
        .first()
    )
    lesson_ids = {lesson.pk for lesson in lessons}
    if enrollment is None:
        if takes_update(employee=employee, course=course):
            # Not started yet: show what the update will hold.
            progress.edition = CourseEdition.objects.get(course=course, number=course.edition)
            progress.required_lesson_ids = lesson_ids & set(
                progress.edition.changed_lessons.values_list("pk", flat=True)
            )
            progress.lesson_count = len(progress.required_lesson_ids)
        return progress
    completion = getattr(enrollment, "completion", None)
    if completion is not None:
        progress.revocation = CompletionRevocation.objects.filter(completion=completion).first()
    if progress.revocation is not None:
        # Revoked: nothing of the voided cycle counts; starting again opens a new one.
        return progress
    progress.enrollment = enrollment
    progress.completed_lesson_ids = lesson_ids & set(
        LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True)
    )
    progress.completion = getattr(enrollment, "completion", None)
    if progress.completion is not None:
        progress.refresher_open = refresher_open(completion=progress.completion)
    if enrollment.course_edition > 1:
        progress.edition = CourseEdition.objects.filter(
            course=course, number=enrollment.course_edition
        ).first()
    if enrollment.is_update:
        progress.required_lesson_ids = lesson_ids & set(
            required_lessons(course=course, enrollment=enrollment).values_list("pk", flat=True)
        )
        progress.lesson_count = len(progress.required_lesson_ids)
        from courses.services import _quiz_bank

        progress.update_question_count = len(_quiz_bank(course, enrollment))
    if (
        progress.completion is None
        and progress.all_lessons_done
        and acknowledgment_required(course_id=course.pk)
        and not hasattr(enrollment, "acknowledgment")
    ):
        from courses.services import _quiz_bank

        progress.acknowledgment_due = not _quiz_bank(course, enrollment) or (
            enrollment.attempts.filter(passed=True).exists()
        )
    return progress


def attempt_for(*, user, attempt_key) -> QuizAttempt | None:
    """An attempt the user made; anyone else's attempt does not exist for them."""
    employee = employee_for(user=user)
    if employee is None:
        return None
    return (
        QuizAttempt.objects.filter(public_id=attempt_key, employee=employee)
        .select_related("course")
        .first()
    )


@dataclass(frozen=True)
class ReviewedChoice:
    text: str
    chosen: bool
    correct: bool


@dataclass(frozen=True)
class ReviewedQuestion:
    number: int
    text: str
    right: bool
    #: The texts of the learner's own answers, in the order they were shown.
    chosen: list[str]
    #: Every choice with its correct mark: only under the full review, else empty.
    choices: list[ReviewedChoice]
    #: Empty unless the review shows explanations.
    explanation: str = ""
    policy_reference: str = ""


@dataclass(frozen=True)
class AttemptReview:
    """What the result page of a submitted attempt may show, and nothing more.

    Built from the attempt's own snapshot (questions as shown, answers as given) under the
    course's review setting of today: changing the setting changes what is displayed, never
    the record. Below the full review no correct choice is in it, except the learner's own
    answers to the questions they got right.
    """

    level: str
    right_count: int
    total: int
    #: Empty under "score only".
    questions: list[ReviewedQuestion]

    @property
    def shows_questions(self) -> bool:
        return self.level != QuizReview.SCORE

    @property
    def shows_explanations(self) -> bool:
        return self.level in (QuizReview.EXPLAINED, QuizReview.FULL)

    @property
    def shows_correct_choices(self) -> bool:
        return self.level == QuizReview.FULL


def attempt_review(*, attempt: QuizAttempt, level: str | None = None) -> AttemptReview:
    """The review of a submitted attempt under ``level`` (default: its course's setting for
    a pass or a failure, whichever the attempt was)."""
    if level is None:
        level = attempt.course.quiz_review(passed=bool(attempt.passed))
    if level not in QuizReview.values:
        level = QuizReview.SCORE  # an unknown setting shows the least
    answers = attempt.answers or {}
    explained = level in (QuizReview.EXPLAINED, QuizReview.FULL)
    questions = []
    right_count = 0
    for number, question in enumerate(attempt.questions, 1):
        chosen_ids = answers.get(question["id"]) or []
        right = sorted(question["correct"]) == sorted(chosen_ids)
        right_count += right
        questions.append(
            ReviewedQuestion(
                number=number,
                text=question["text"],
                right=right,
                chosen=[c["text"] for c in question["choices"] if c["id"] in chosen_ids],
                choices=[
                    ReviewedChoice(
                        text=c["text"],
                        chosen=c["id"] in chosen_ids,
                        correct=c["id"] in question["correct"],
                    )
                    for c in question["choices"]
                ]
                if level == QuizReview.FULL
                else [],
                explanation=question.get("explanation", "") if explained else "",
                policy_reference=question.get("policy_reference", "") if explained else "",
            )
        )
    return AttemptReview(
        level=level,
        right_count=right_count,
        total=len(attempt.questions),
        questions=questions if level != QuizReview.SCORE else [],
    )


def attempts_for(*, user, course: CoursePage) -> list[QuizAttempt]:
    employee = employee_for(user=user)
    if employee is None:
        return []
    enrollment = (
        Enrollment.objects.filter(employee=employee, course=course, course_edition=course.edition)
        .order_by("-cycle")
        .first()
    )
    if enrollment is None:
        return []
    return list(enrollment.attempts.order_by("number"))


@dataclass
class MyTraining:
    in_progress: list[Enrollment]
    completions: list[Completion]


def my_training(*, user) -> MyTraining:
    """The signed-in employee's own courses: started but not finished, and completed."""
    employee = employee_for(user=user)
    if employee is None:
        return MyTraining(in_progress=[], completions=[])
    completions = list(
        Completion.objects.filter(employee=employee)
        .select_related("course", "revocation")
        .order_by("-completed_at")
    )
    for completion in completions:
        # Templates cannot ask for a missing one-to-one without an exception.
        completion.revoked = getattr(completion, "revocation", None)
    in_progress = list(
        Enrollment.objects.filter(employee=employee, completion__isnull=True)
        .select_related("course")
        .order_by("-started_at")
    )
    return MyTraining(in_progress=in_progress, completions=completions)


# --- Editions, updates and acknowledgments ------------------------------------------------------


def takes_update(*, employee: Employee, course: CoursePage) -> bool:
    """Whether the employee, starting the current edition, takes only its update: they
    completed an earlier edition (a revoked completion does not count) and the current one
    names the lessons that changed."""
    if course.edition <= 1:
        return False
    edition = CourseEdition.objects.filter(course=course, number=course.edition).first()
    if edition is None or not edition.changed_lessons.exists():
        return False
    return Completion.objects.filter(
        employee=employee,
        course=course,
        course_edition__lt=course.edition,
        revocation__isnull=True,
    ).exists()


def required_lessons(*, course: CoursePage, enrollment: Enrollment | None) -> QuerySet[LessonPage]:
    """The live lessons an enrollment must read: all of them, or an update's changed ones."""
    lessons = course.lessons()
    if enrollment is None or not enrollment.is_update:
        return lessons
    edition = CourseEdition.objects.filter(
        course_id=enrollment.course_id, number=enrollment.course_edition
    ).first()
    if edition is None:
        return lessons
    return lessons.filter(pk__in=edition.changed_lessons.values("pk"))


def update_clause_ids(*, enrollment: Enrollment) -> set[int]:
    """The clauses the changed lessons of an update teach: its quiz tests only these."""
    lessons = required_lessons(course=enrollment.course, enrollment=enrollment)
    return set(Clause.objects.filter(lessons__in=lessons.values("pk")).values_list("pk", flat=True))


def superseded_by_edition(*, course_id: int, edition: int) -> int | None:
    """The published edition of the course that supersedes ``edition`` (the first one after
    it), or None while ``edition`` is current. Certificates verify as "superseded by
    edition N" with it."""
    return (
        CourseEdition.objects.filter(
            course_id=course_id, number__gt=edition, published_at__isnull=False
        )
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )


def acknowledgment_required(*, course_id: int) -> bool:
    text = CoursePage.objects.filter(pk=course_id).values_list("acknowledgment_text", flat=True)
    return bool((text.first() or "").strip())


def guidance_date(*, course: CoursePage):
    """The date of the guidance a course teaches: its newest referenced document's, else the
    date its current edition was published, else today's."""
    documents = (
        GuidanceDocument.objects.filter(clauses__course_references__page_id=course.pk)
        .filter(issued_on__isnull=False)
        .order_by("-issued_on")
    )
    document = documents.first()
    if document is not None:
        return document.issued_on
    edition = CourseEdition.objects.filter(course=course, number=course.edition).first()
    if edition is not None and edition.published_at:
        return timezone.localdate(edition.published_at)
    return timezone.localdate()


def acknowledgment_text(*, course: CoursePage) -> str:
    """The acknowledgment exactly as the learner sees and signs it ({date} filled in)."""
    template = (course.acknowledgment_text or "").strip()
    if not template:
        return ""
    date = formats.date_format(guidance_date(course=course), "DATE_FORMAT")
    return template.replace("{date}", str(date))


def course_approved_at(*, course: CoursePage):
    """When the City Attorney's Office last approved the course, from Wagtail's workflow
    records (the finish time of the latest approved review task), or None."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page, TaskState

    base_type = ContentType.objects.get_for_model(Page)
    return (
        TaskState.objects.filter(
            workflow_state__base_content_type=base_type,
            workflow_state__object_id=str(course.pk),
            status=TaskState.STATUS_APPROVED,
        )
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def question_clauses(question: dict) -> list[dict]:
    """The clauses a question snapshot (QuizAttempt.questions) tests: [{"id", "document",
    "number", "title", "label"}]; attempts from before clauses carry only free text."""
    if question.get("clauses"):
        return question["clauses"]
    reference = (question.get("policy_reference") or "").strip()
    if not reference:
        return []
    return [{"id": None, "document": "", "number": "", "title": reference, "label": reference}]


# --- Coverage -----------------------------------------------------------------------------------


@dataclass
class ClauseCoverage:
    clause: Clause
    lessons: list = field(default_factory=list)
    #: (course, question text) pairs.
    questions: list = field(default_factory=list)

    @property
    def untaught(self) -> bool:
        return not self.lessons

    @property
    def untested(self) -> bool:
        return not self.questions


@dataclass
class DocumentCoverage:
    document: GuidanceDocument
    clauses: list[ClauseCoverage]

    @property
    def untaught(self) -> int:
        return sum(1 for clause in self.clauses if clause.untaught)

    @property
    def untested(self) -> int:
        return sum(1 for clause in self.clauses if clause.untested)


def can_see_coverage(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or user.has_perm("courses.view_guidancedocument")
        or user.has_perm("organisation.view_citywide_reports")
    )


def guidance_coverage(*, user) -> list[DocumentCoverage]:
    """Per guidance document, each clause with the live lessons that teach it and the live
    courses' quiz questions that test it (for editors and OEI; nobody's personal data)."""
    if not can_see_coverage(user):
        return []
    documents = list(GuidanceDocument.objects.prefetch_related("clauses"))
    by_clause: dict[int, ClauseCoverage] = {}
    result = []
    for document in documents:
        rows = [ClauseCoverage(clause=clause) for clause in document.clauses.all()]
        for row in rows:
            by_clause[row.clause.pk] = row
        result.append(DocumentCoverage(document=document, clauses=rows))
    courses = list(CoursePage.objects.live().order_by("path"))
    course_titles = {course.path: course.title for course in courses}
    taught = (
        LessonPage.objects.live()
        .filter(clauses__isnull=False)
        .order_by("path")
        .values_list("clauses", "pk", "title", "path")
    )
    for clause_id, lesson_pk, title, path in taught:
        course_title = course_titles.get(path[: -LessonPage.steplen])
        if clause_id in by_clause and course_title is not None:
            by_clause[clause_id].lessons.append(
                {"pk": lesson_pk, "title": title, "course": course_title}
            )
    for course in courses:
        for block in course.quiz:
            if block.block_type != "question":
                continue
            for clause_id in block.value.get("clauses") or []:
                row = by_clause.get(int(clause_id)) if str(clause_id).isdigit() else None
                if row is not None:
                    row.questions.append({"course": course.title, "text": block.value["text"]})
    return result


def revision_approver(*, course: CoursePage, revision=None):
    """Who put ``revision`` live: the legal reviewer who approved it in the workflow, else the
    person who saved it (a reviewer publishing directly)."""
    from wagtail.models import TaskState

    if revision is None:
        return None
    approval = (
        TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
    )
    if approval is not None and approval.finished_by is not None:
        return approval.finished_by
    return revision.user


def live_courses_under(*, page) -> QuerySet[CoursePage]:
    """The live courses below ``page`` (the home page's list), in the tree's order."""
    return (
        CoursePage.objects.live()
        .descendant_of(page)
        .order_by("path")
        .only("id", "title", "url_path", "path", "summary", "estimated_minutes")
    )
