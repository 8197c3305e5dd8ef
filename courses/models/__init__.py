from .pages import CoursePage, CoursePolicyReference, LessonPage, TrainingIndexPage
from .progress import (
    Completion,
    Enrollment,
    ImmutableRecordError,
    LessonProgress,
    QuizAttempt,
)

__all__ = [
    "Completion",
    "CoursePage",
    "CoursePolicyReference",
    "Enrollment",
    "ImmutableRecordError",
    "LessonPage",
    "LessonProgress",
    "QuizAttempt",
    "TrainingIndexPage",
]
