"""Reads about learners' progress, always scoped to the requesting user."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from courses.models import Completion, CoursePage, Enrollment, LessonProgress, QuizAttempt
from lms.organisation.models import Employee


def employee_for(*, user: AbstractBaseUser | AnonymousUser) -> Employee | None:
    """The employee profile of a signed-in user, or None (visitors, admin-only accounts)."""
    if not user.is_authenticated:
        return None
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


@dataclass
class CourseProgress:
    enrollment: Enrollment | None = None
    completed_lesson_ids: set[int] = field(default_factory=set)
    lesson_count: int = 0
    completion: Completion | None = None
    #: The completion is due for recertification: starting again opens a refresher.
    refresher_open: bool = False

    @property
    def lessons_done(self) -> int:
        return len(self.completed_lesson_ids)

    @property
    def percent(self) -> int:
        if not self.lesson_count:
            return 0
        return round(100 * self.lessons_done / self.lesson_count)

    @property
    def all_lessons_done(self) -> bool:
        return self.lessons_done >= self.lesson_count


#: How long before a completion expires its refresher opens, when no requirement says.
DEFAULT_REFRESHER_WINDOW = timedelta(days=30)


def refresher_open(*, completion: Completion, now: datetime | None = None) -> bool:
    """Whether the course can be taken again to recertify: the completion expires (by its own
    validity or by a requirement's recertification cycle) within the window before expiry."""
    from courses.services import add_months
    from lms.compliance.models import TrainingRequirement

    now = now or timezone.now()
    if completion.expires_at and now >= completion.expires_at - DEFAULT_REFRESHER_WINDOW:
        return True
    cycles = TrainingRequirement.objects.filter(
        course_id=completion.course_id, recertify_months__isnull=False
    ).values_list("recertify_months", "window_days")
    for months, window_days in cycles:
        expires_at = add_months(completion.completed_at, months)
        if now >= expires_at - timedelta(days=window_days):
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
    if enrollment is None:
        return progress
    lesson_ids = {lesson.pk for lesson in lessons}
    progress.enrollment = enrollment
    progress.completed_lesson_ids = lesson_ids & set(
        LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True)
    )
    progress.completion = getattr(enrollment, "completion", None)
    if progress.completion is not None:
        progress.refresher_open = refresher_open(completion=progress.completion)
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
        .select_related("course")
        .order_by("-completed_at")
    )
    in_progress = list(
        Enrollment.objects.filter(employee=employee, completion__isnull=True)
        .select_related("course")
        .order_by("-started_at")
    )
    return MyTraining(in_progress=in_progress, completions=completions)
