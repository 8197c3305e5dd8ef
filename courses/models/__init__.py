from lms.records import ImmutableRecordError

from .governance import (
    DEFAULT_GRACE_DAYS,
    Acknowledgment,
    Clause,
    CourseEdition,
    GuidanceDocument,
)
from .pages import (
    QUIZ_BANK_RATIO,
    CoursePage,
    CoursePolicyReference,
    LessonPage,
    QuizReview,
    TrainingIndexPage,
)
from .progress import (
    Completion,
    CompletionRevocation,
    Enrollment,
    LessonProgress,
    QuizAttempt,
)

__all__ = [
    "DEFAULT_GRACE_DAYS",
    "Acknowledgment",
    "Clause",
    "CourseEdition",
    "GuidanceDocument",
    "Completion",
    "CompletionRevocation",
    "CoursePage",
    "CoursePolicyReference",
    "Enrollment",
    "ImmutableRecordError",
    "LessonPage",
    "LessonProgress",
    "QuizAttempt",
    "QuizReview",
    "QUIZ_BANK_RATIO",
    "TrainingIndexPage",
]
