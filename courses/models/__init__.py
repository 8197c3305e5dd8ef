from .pages import CoursePage, CoursePolicyReference, LessonPage, TrainingIndexPage

__all__ = ["CoursePage", "CoursePolicyReference", "LessonPage", "TrainingIndexPage"]
