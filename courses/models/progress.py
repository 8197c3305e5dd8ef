"""What learners did: enrollments, lessons read, quiz attempts and completions.

These are records, not views of the content. Titles, editions, questions and choices are copied
at the time, rows refer to pages with ``on_delete=PROTECT``, and once written an attempt or a
completion is never changed or deleted (editing a course never rewrites anyone's history).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.organisation.models import Employee
from lms.records import ImmutableRecord


class Enrollment(models.Model):
    """An employee taking one edition of a course."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("employee")
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="enrollments",
        verbose_name=_("course"),
    )
    course_edition = models.PositiveIntegerField(_("course edition"))
    # 1 for the first time through an edition; each refresher (recertification) is the next.
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    # Someone who completed an earlier edition takes only the edition's changed lessons.
    is_update = models.BooleanField(_("update only"), default=False)
    started_at = models.DateTimeField(_("started at"))

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "course", "course_edition", "cycle"],
                name="enrollment_once_per_cycle",
            ),
        ]

    def __str__(self):
        return f"{self.employee} – {self.course_id} ed. {self.course_edition}/{self.cycle}"


class LessonProgress(models.Model):
    """A learner confirmed they read a lesson."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, related_name="lessons_completed"
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.PROTECT, related_name="+", verbose_name=_("lesson")
    )
    lesson_title = models.CharField(_("lesson title"), max_length=255)
    completed_at = models.DateTimeField(_("completed at"))

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="lesson_completed_once"),
        ]

    def __str__(self):
        return f"{self.lesson_title} – {self.completed_at:%Y-%m-%d}"


class QuizAttempt(ImmutableRecord):
    """One attempt at a course's quiz, holding the questions exactly as they were shown.

    ``questions`` is the snapshot drawn at the start: ``[{"id", "kind", "text", "choices":
    [{"id", "text"}], "correct": [choice ids], "explanation", "policy_reference", "clauses":
    [{"id", "document", "number", "title", "label"}]}]`` (``policy_reference`` is the clause
    labels joined, or the free text of attempts made before clauses existed). The correct
    ids never leave the server before the attempt is submitted.
    """

    public_id = models.UUIDField(_("attempt key"), default=uuid.uuid4, unique=True, editable=False)
    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="attempts")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="quiz_attempts")
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    course_title = models.CharField(_("course title"), max_length=255)
    course_edition = models.PositiveIntegerField(_("course edition"))
    #: The language the title and questions were shown in (a translation's, else English).
    language = models.CharField(_("language"), max_length=10, default="en")
    number = models.PositiveSmallIntegerField(_("attempt number"))
    questions = models.JSONField(_("questions as shown"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    validity_months = models.PositiveSmallIntegerField(
        _("completion valid for (months)"), null=True, blank=True
    )
    started_at = models.DateTimeField(_("started at"))
    answers = models.JSONField(_("answers given"), null=True, blank=True)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    #: Until it is submitted (one conditional UPDATE in the service), an attempt is open.
    OPEN = models.Q(submitted_at__isnull=True)

    class Meta:
        ordering = ["started_at"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "number"], name="attempt_number_unique"),
            # Two tabs or a double click can never open two attempts at once.
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=models.Q(submitted_at__isnull=True),
                name="one_open_attempt_per_enrollment",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(submitted_at__isnull=True, score__isnull=True, passed__isnull=True)
                    | models.Q(
                        submitted_at__isnull=False, score__isnull=False, passed__isnull=False
                    )
                ),
                name="attempt_submitted_consistently",
            ),
        ]

    def __str__(self):
        return f"{self.course_title} – attempt {self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Completion(ImmutableRecord):
    """An employee completed an edition of a course: the fact compliance is built on."""

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="completions")
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="completions"
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="completion"
    )
    attempt = models.OneToOneField(
        QuizAttempt, on_delete=models.PROTECT, null=True, blank=True, related_name="completion"
    )
    course_title = models.CharField(_("course title"), max_length=255)
    #: The language of ``course_title``: the one the course was taken in (a translation's,
    #: else English), so that pages and certificates mark it with ``lang``.
    language = models.CharField(_("language"), max_length=10, default="en")
    course_edition = models.PositiveIntegerField(_("course edition"))
    completed_at = models.DateTimeField(_("completed at"))
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    class Meta:
        ordering = ["-completed_at"]
        verbose_name = _("completion")
        verbose_name_plural = _("completions")
        # One completion per enrollment (its one-to-one key): once per edition and cycle.
        indexes = [
            models.Index(fields=["course", "completed_at"], name="completion_course_date"),
            # The compliance status looks up each person's latest completion of a course.
            models.Index(fields=["employee", "course", "completed_at"], name="completion_latest"),
        ]

    def __str__(self):
        return f"{self.course_title} (ed. {self.course_edition}) – {self.employee_id}"


class CompletionRevocation(ImmutableRecord):
    """A completion voided for compliance because its certificate was revoked (issue 16).

    The completion itself stays as it was recorded; this record says that from ``revoked_at``
    on it no longer counts, why, and by when its holder must complete the course again
    (``due_again_on``, chosen by OEI). Written once, by ``courses.services.completion_revoke``
    (called by ``certificates.services.certificate_revoke``), never changed or deleted.
    """

    completion = models.OneToOneField(
        Completion,
        on_delete=models.PROTECT,
        related_name="revocation",
        verbose_name=_("completion"),
    )
    revoked_at = models.DateTimeField(_("revoked at"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    reason = models.TextField(_("reason"))
    due_again_on = models.DateField(_("due again on"))

    class Meta:
        ordering = ["-revoked_at", "-pk"]
        verbose_name = _("revoked completion")
        verbose_name_plural = _("revoked completions")

    def __str__(self):
        return f"{self.completion_id} revoked {self.revoked_at:%Y-%m-%d}"
