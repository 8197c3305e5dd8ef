"""Reads about learners' progress, always scoped to the requesting user."""

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone
from wagtail.models import Page, ReferenceIndex, Revision, TaskState

from courses import events
from courses.models import (
    Clause,
    Completion,
    CompletionRevocation,
    CourseEdition,
    CoursePage,
    Enrollment,
    GuidanceDocument,
    HeldLessonRevision,
    LessonPage,
    LessonProgress,
    QuizAttempt,
    QuizReview,
)
from lms.figures import percent
from lms.organisation import dates
from lms.organisation.models import Employee
from lms.organisation.selectors import employee_for
from lms.queries import PreparedRead


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
    #: The latest enrollment in the current edition, even a revoked one (``attempts_for``
    #: reads its attempts); None when there is none or the user is no employee.
    latest_enrollment: Enrollment | None = None

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
    progress.latest_enrollment = enrollment
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
        progress.update_question_count = len(quiz_bank(course, enrollment))
    if (
        progress.completion is None
        and progress.all_lessons_done
        and acknowledgment_required(course_id=course.pk)
        and not hasattr(enrollment, "acknowledgment")
    ):
        progress.acknowledgment_due = not quiz_bank(course, enrollment) or (
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


def _attempt_to_submit_query(*, public_id, employee_id):
    # The course's acknowledgment text comes along (one join, not a second query): a course
    # with one completes when the learner signs it, not on the pass.
    return QuizAttempt.objects.annotate(
        course_acknowledgment_text=F("course__acknowledgment_text")
    ).filter(public_id=public_id, employee_id=employee_id)


#: Read in every quiz submission: built by the ORM once per process (0.44 ms to build, 0.02 ms
#: to run): lms.queries.PreparedRead. No attempt has the nil UUID, no employee a negative id.
_attempt_to_submit = PreparedRead(
    QuizAttempt,
    _attempt_to_submit_query,
    public_id=uuid.UUID(int=0),
    employee_id=-7_000_101,
)


def attempt_to_submit(*, employee, attempt_key) -> QuizAttempt | None:
    """The employee's own attempt ``attempt_key`` (anyone else's does not exist for them), with
    its course's acknowledgment text as ``course_acknowledgment_text``."""
    found = _attempt_to_submit.instances(public_id=attempt_key, employee_id=employee.pk)
    return found[0] if found else None


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


def attempts_for(
    *, user, course: CoursePage, progress: CourseProgress | None = None
) -> list[QuizAttempt]:
    """The user's attempts in their latest enrollment in the course's current edition; with
    ``progress`` (``course_progress`` of the same user and course) its enrollment is reused."""
    employee = employee_for(user=user)
    if employee is None:
        return []
    if progress is not None:
        enrollment = progress.latest_enrollment
    else:
        enrollment = (
            Enrollment.objects.filter(
                employee=employee, course=course, course_edition=course.edition
            )
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


def quiz_bank(course: CoursePage, enrollment: Enrollment | None) -> list:
    """The questions this enrollment is tested on: the whole bank, or for an update only the
    questions on the clauses of the changed lessons."""
    bank = [block for block in course.quiz if block.block_type == "question"]
    if enrollment is None or not enrollment.is_update:
        return bank
    clause_ids = {str(pk) for pk in update_clause_ids(enrollment=enrollment)}
    return [block for block in bank if clause_ids & set(block.value.get("clauses") or [])]


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


def acknowledgment_text(*, course: CoursePage, shown: CoursePage | None = None) -> str:
    """The acknowledgment exactly as the learner sees and signs it ({date} filled in), in the
    language of ``shown`` (the translation the learner reads) when given."""
    template = ((shown.acknowledgment_text if shown else "") or "").strip()
    template = template or (course.acknowledgment_text or "").strip()
    if not template:
        return ""
    date = formats.date_format(guidance_date(course=course), "DATE_FORMAT")
    return template.replace("{date}", str(date))


def course_approved_at(*, course: CoursePage):
    """When the City Attorney's Office last approved the course, from Wagtail's workflow
    records (the finish time of the latest approved review task), or None."""
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
        .only(
            "id",
            "title",
            "url_path",
            "path",
            "summary",
            "estimated_minutes",
            "translation_key",
            "edition",
        )
    )


# --- Editions and their lessons -----------------------------------------------------------------


def pending_edition_of_lesson(*, lesson: LessonPage) -> CourseEdition | None:
    """The pending edition of the lesson's course: while there is one, its lessons' changes
    are held for it."""
    return CourseEdition.objects.pending_for_lesson(lesson)


def edition_lesson_revisions(*, edition: CourseEdition) -> list[Revision]:
    """The lesson revisions that go live with an edition, one per lesson, in the course's order:
    the latest revision of each changed lesson, and for the other lessons the latest revision
    held for the edition; none where that revision is already live."""
    lessons = {
        lesson.pk: lesson
        for lesson in LessonPage.objects.filter(
            pk__in=[
                *edition.changed_lessons.values_list("pk", flat=True),
                *HeldLessonRevision.objects.filter(edition=edition).values_list(
                    "lesson_id", flat=True
                ),
            ]
        ).order_by("path")
    }
    changed = set(edition.changed_lessons.values_list("pk", flat=True))
    held = {}
    for lesson_id, revision_id in HeldLessonRevision.objects.filter(edition=edition).values_list(
        "lesson_id", "revision_id"
    ):
        held[lesson_id] = max(held.get(lesson_id, 0), revision_id)
    wanted = {}
    for pk, lesson in lessons.items():
        revision_id = lesson.latest_revision_id if pk in changed else held.get(pk)
        if revision_id and revision_id != lesson.live_revision_id:
            wanted[pk] = revision_id
    revisions = Revision.objects.in_bulk(wanted.values())
    return [revisions[wanted[pk]] for pk in lessons if pk in wanted and wanted[pk] in revisions]


@dataclass
class EditionLesson:
    """A lesson of an edition under review, with links to what changes."""

    lesson: LessonPage
    is_changed: bool  # listed as changed: previous completers retake it
    compare_url: str = ""  # the live lesson against the revision that goes live
    preview_url: str = ""  # that revision as learners will see it


@dataclass
class EditionForReview:
    edition: CourseEdition
    course: CoursePage
    submitted_by: object
    submitted_at: datetime
    lessons: list[EditionLesson]
    owe_update: int
    review_url: str


def _reviewable_course_ids(user) -> set[int]:
    """The courses with a workflow task ``user`` can act on now (as Wagtail's "Awaiting your
    review" panel decides: the task's groups, or a superuser)."""
    if not user.is_authenticated:
        return set()
    page_type = ContentType.objects.get_for_model(Page)
    ids = (
        TaskState.objects.reviewable_by(user)
        .filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__base_content_type=page_type,
        )
        .values_list("workflow_state__object_id", flat=True)
    )
    return {int(pk) for pk in ids}


def update_owed_count(*, course_id: int) -> int:
    """How many people would owe the update if the course's next edition were published now:
    active employees holding a completion of an earlier edition and an active assignment for
    a requirement using the course (compliance answers ``events.update_owed_count``)."""
    answers = events.update_owed_count.send(sender=CourseEdition, course_id=course_id)
    return sum(count for _receiver, count in answers if count)


def editions_awaiting_review(*, user) -> list[EditionForReview]:
    """The pending editions ``user`` can approve now, for the legal reviewer's queue: who
    submitted each, what changed, its lessons with their diffs and previews, and how many
    people will owe the update. Empty for anyone who cannot review them."""
    course_ids = _reviewable_course_ids(user)
    if not course_ids:
        return []
    editions = (
        CourseEdition.objects.pending()
        .filter(course_id__in=course_ids)
        .select_related("course", "prepared_by")
        .order_by("prepared_at")
    )
    queue = []
    for edition in editions:
        course = edition.course
        going_live = {
            revision.object_id: revision for revision in edition_lesson_revisions(edition=edition)
        }
        changed = set(edition.changed_lessons.values_list("pk", flat=True))
        lessons = []
        for lesson in LessonPage.objects.child_of(course).order_by("path"):
            revision = going_live.get(str(lesson.pk))
            if revision is None and lesson.pk not in changed:
                continue
            item = EditionLesson(lesson=lesson, is_changed=lesson.pk in changed)
            if revision is not None:
                item.preview_url = reverse(
                    "wagtailadmin_pages:revisions_view", args=[lesson.pk, revision.pk]
                )
                if lesson.live_revision_id:
                    item.compare_url = reverse(
                        "wagtailadmin_pages:revisions_compare",
                        args=[lesson.pk, "live", revision.pk],
                    )
            lessons.append(item)
        queue.append(
            EditionForReview(
                edition=edition,
                course=course,
                submitted_by=edition.prepared_by,
                submitted_at=edition.prepared_at,
                lessons=lessons,
                owe_update=update_owed_count(course_id=course.pk),
                review_url=reverse("wagtailadmin_pages:edit", args=[course.pk]),
            )
        )
    return queue


# --- Translated course content (issue 18) -------------------------------------------------------
#
# A course and its translations (Wagtail translations: same translation_key, another locale) are
# one course. Every record (enrollment, lesson read, attempt, completion, certificate, assignment)
# refers to the SOURCE page, in the default locale; the learner's language only changes the text
# shown. ``course_source`` is the one place that maps a translation to its source.


def course_source(page):
    """The source (default-locale) page of a course or lesson, or of any translation of one.

    The page itself when it is in the default locale (no query when its locale is loaded);
    a translation whose source is gone is its own source.
    """
    if page.locale.language_code == settings.LANGUAGE_CODE:
        return page
    source = (
        type(page)
        .objects.filter(
            translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .first()
    )
    return source or page


def is_translation(page) -> bool:
    return page.locale.language_code != settings.LANGUAGE_CODE


def translation_is_behind(*, translation: CoursePage, source: CoursePage) -> bool:
    """A translation made for an earlier edition of its source: it is not served (learners get
    the source) until it is updated and approved again (``services.translation_edition_record``)."""
    return translation.edition < source.edition


def course_translation_shown(*, course: CoursePage, language: str) -> CoursePage | None:
    """The translation of the (source) course a learner reading ``language`` is shown, or None
    for the source. Only a live translation (published, which only the City Attorney's approval
    does) that is not behind its source edition is ever served."""
    if language == settings.LANGUAGE_CODE or not language:
        return None
    return (
        _translations_served(
            language=language,
            translation_key=course.translation_key,
            edition=course.edition,
            source_id=course.pk,
        )
        .select_related("locale")
        .first()
    )


def _translations_served(*, language: str, translation_key, edition, source_id) -> QuerySet:
    """The one rule of which translation is served: live (published, which only the City
    Attorney's approval does) and not behind its source's edition (``translation_is_behind``).
    The source's key and edition may be values or expressions."""
    return (
        CoursePage.objects.live()
        .filter(
            translation_key=translation_key, locale__language_code=language, edition__gte=edition
        )
        .exclude(pk=source_id)
    )


def shown_as(source, translation, fields: tuple[str, ...], lang: str | None = None):
    """A copy of ``source`` (same id, URL, everything records use) carrying the text of
    ``translation``, and ``content_lang`` the language of that text. Never saved."""
    shown = copy.copy(source)
    if translation is None:
        shown.content_lang = lang or settings.LANGUAGE_CODE
        shown.text_page = source
        return shown
    for name in fields:
        setattr(shown, name, getattr(translation, name))
    shown.content_lang = translation.locale.language_code
    #: The page whose text is shown (its revision keys the rendered body: body_cache_key).
    shown.text_page = translation
    return shown


COURSE_TEXT_FIELDS = (
    "title",
    "summary",
    "audience_note",
    "content_note",
    "acknowledgment_text",
    "quiz",
)
LESSON_TITLE_FIELDS = ("title",)
LESSON_TEXT_FIELDS = ("title", "summary", "body")


@dataclass
class CourseShown:
    """What a learner reading ``language`` is shown of a course: its text in that language when
    an approved translation exists, else in the source language with ``note`` set."""

    language: str
    course: CoursePage
    lessons: list
    #: The learner's language has no approved translation of this course: a one-line note.
    note: bool = False

    @property
    def content_lang(self) -> str:
        return self.course.content_lang


def course_shown(*, course: CoursePage, lessons: list, language: str, current=None) -> CourseShown:
    """The course and its lessons (source pages, in order) as a learner reading ``language`` sees
    them: two queries at most, whatever the number of lessons or locales. ``current`` (one of
    ``lessons``, loaded in full) gets its body and summary translated too."""
    language = (language or settings.LANGUAGE_CODE).split("-")[0]

    def as_is(lessons_of, lang, note=False):
        shown_lessons = [
            shown_as(
                current if current is not None and lesson.pk == current.pk else lesson,
                None,
                (),
                lang,
            )
            for lesson in lessons_of
        ]
        return CourseShown(
            language=language,
            course=shown_as(course, None, (), lang),
            lessons=shown_lessons,
            note=note,
        )

    if is_translation(course):
        # A translation itself (the editors' and the legal reviewer's preview): its own text.
        return as_is(lessons, course.locale.language_code)
    translation = course_translation_shown(course=course, language=language)
    if translation is None:
        return as_is(lessons, settings.LANGUAGE_CODE, note=language != settings.LANGUAGE_CODE)
    translated = {
        lesson.translation_key: lesson
        for lesson in LessonPage.objects.live()
        .filter(
            translation_key__in=[lesson.translation_key for lesson in lessons],
            locale_id=translation.locale_id,
        )
        .select_related("locale")
    }
    shown_lessons = []
    for lesson in lessons:
        fields = (
            LESSON_TEXT_FIELDS
            if current is not None and lesson.pk == current.pk
            else (LESSON_TITLE_FIELDS)
        )
        source = current if current is not None and lesson.pk == current.pk else lesson
        shown_lessons.append(shown_as(source, translated.get(lesson.translation_key), fields))
    return CourseShown(
        language=language,
        course=shown_as(course, translation, COURSE_TEXT_FIELDS),
        lessons=shown_lessons,
    )


def course_title_in(*, course: CoursePage, language: str) -> str:
    """The title of a source course (as records refer to it) in ``language``: its approved
    translation's, else the source's. For reminder emails; no query in English."""
    language = (language or settings.LANGUAGE_CODE).split("-")[0]
    translation = course_translation_shown(course=course, language=language)
    return (translation or course).title


def _translated_title_query(*, course_id: int, language: str) -> QuerySet:
    source = CoursePage.objects.filter(pk=course_id)
    return _translations_served(
        language=language,
        translation_key=Subquery(source.values("translation_key")[:1]),
        edition=Subquery(source.values("edition")[:1]),
        source_id=course_id,
    ).values_list("title", flat=True)[:1]


#: Built by the ORM once per process (it cost 0.9 ms to build in every such submission, a few
#: microseconds to run): lms.queries.PreparedRead. No page has a negative id, no language a NUL.
_translated_title = PreparedRead(
    CoursePage, _translated_title_query, course_id=-7_000_001, language="\x00language"
)


def course_translated_title(*, course_id: int, language: str) -> str | None:
    """The title of the approved, current translation of the source course ``course_id`` in
    ``language``, or None: :func:`course_translation_shown`'s rule (``_translations_served``) in
    one prepared query of one column, for services that name a course in every completion's
    transaction."""
    language = (language or settings.LANGUAGE_CODE).split("-")[0]
    if language == settings.LANGUAGE_CODE:
        return None
    rows = _translated_title.rows(course_id=course_id, language=language)
    return rows[0][0] if rows else None


def translations_behind(*, course: CoursePage) -> list[CoursePage]:
    """The translations of a (source) course made for an earlier edition: shown as such to
    editors, and not served until updated and approved."""
    return list(
        CoursePage.objects.filter(
            translation_key=course.translation_key, edition__lt=course.edition
        )
        .exclude(pk=course.pk)
        .select_related("locale")
        .order_by("locale__language_code")
    )


def courses_shown(*, courses, language: str) -> list:
    """A list of (source) courses with their titles and summaries in ``language`` where an
    approved translation exists (``content_lang`` says which): one query, for the catalogue."""
    courses = list(courses)
    language = (language or settings.LANGUAGE_CODE).split("-")[0]
    if language == settings.LANGUAGE_CODE or not courses:
        return [shown_as(course, None, ()) for course in courses]
    translations = {
        translation.translation_key: translation
        for translation in CoursePage.objects.live()
        .filter(
            translation_key__in=[course.translation_key for course in courses],
            locale__language_code=language,
        )
        .select_related("locale")
        .only("id", "title", "summary", "translation_key", "edition", "locale")
    }
    shown = []
    for course in courses:
        translation = translations.get(course.translation_key)
        if translation is not None and translation_is_behind(
            translation=translation, source=course
        ):
            translation = None
        shown.append(shown_as(course, translation, ("title", "summary")))
    return shown


def courses_shown_by_pk(*, courses, language: str) -> dict:
    """``courses_shown`` keyed by course id, for a page naming the same course in several
    places ("My training": assigned, in progress): each course once, one query at most, none
    for the default language."""
    unique = {course.pk: course for course in courses}
    return {
        course.pk: course for course in courses_shown(courses=unique.values(), language=language)
    }


# --- Rendered bodies, cached per revision and language (issue 21, docs/caching.md) -------------

#: Every key of a rendered body starts with this; the build's version follows, so a deploy
#: (new templates) never serves HTML rendered by the previous one.
BODY_CACHE_PREFIX = "lms:body"


def body_cache_key(*, page, part: str, language: str, preview: bool = False) -> str | None:
    """The cache key of a rendered part (``"lesson"``: a lesson's body; ``"course"``: a
    course's description) of ``page`` (a page as ``course_shown`` returns it), read in the
    interface ``language``; None when it must not be cached (a draft in preview, a page not
    live or never published through a revision). The key names the page whose text is shown
    (the source or its translation) and its live revision: a publish makes a new key, so the
    next request renders the new revision, and a revision's content never changes."""
    text_page = getattr(page, "text_page", page)
    if preview or not text_page.live or text_page.live_revision_id is None:
        return None
    if part == "course":
        # The edition is shown and changes without a revision (courses.services).
        part = f"course-e{page.edition}"
    return _body_key(
        part,
        text_page.pk,
        text_page.live_revision_id,
        (language or settings.LANGUAGE_CODE).split("-")[0],
        getattr(page, "content_lang", settings.LANGUAGE_CODE),
    )


def _body_key(part: str, page_id: int, revision_id: int, language: str, content_lang: str) -> str:
    version = settings.RENDERED_BODY_CACHE_VERSION
    return f"{BODY_CACHE_PREFIX}:{version}:{part}:{page_id}:{revision_id}:{language}:{content_lang}"


def body_cache_keys_referring_to(instance) -> list[str]:
    """Every key under which a lesson's or course's rendered parts may show ``instance`` (an
    image, a document or a page they link to): their address or text is printed in the body,
    and changes without a new revision of the lesson. The pages come from Wagtail's reference
    index (which records what each page's content refers to); one query, then one per page."""
    page_type = ContentType.objects.get_for_model(Page)
    page_ids = {
        int(object_id)
        for content_type_id, object_id in ReferenceIndex.get_references_to(instance)
        .values_list("base_content_type_id", "object_id")
        .distinct()
        if content_type_id == page_type.pk
    }
    if not page_ids:
        return []
    pages = Page.objects.filter(pk__in=page_ids).type(LessonPage, CoursePage).specific()
    return [key for page in pages for key in body_cache_keys_of(page=page)]


def body_cache_keys_of(*, page) -> list[str]:
    """Every key a page's rendered parts may be cached under (each revision, interface language
    and content language): deleted when the page is unpublished or deleted (one query)."""
    revision_ids = list(Revision.objects.for_instance(page).values_list("pk", flat=True))
    if page.live_revision_id is not None:
        revision_ids.append(page.live_revision_id)
    parts = ["lesson"]
    if isinstance(page, CoursePage):
        # The edition shown is the source's: the highest of the course and its translations.
        editions = CoursePage.objects.filter(translation_key=page.translation_key)
        highest = max(editions.values_list("edition", flat=True), default=page.edition)
        parts = [f"course-e{edition}" for edition in range(1, max(highest, page.edition) + 1)]
    languages = [code for code, _name in settings.LANGUAGES]
    return [
        _body_key(part, page.pk, revision_id, language, content_lang)
        for part in parts
        for revision_id in set(revision_ids)
        for language in languages
        for content_lang in languages
    ]
