"""Guidance governance: the documents courses teach, course editions and acknowledgments.

A guidance document (the executive order, a City Attorney memo) is a snippet with numbered
clauses; courses, lessons and quiz questions point at clauses, so the city can show which clause
each lesson teaches and each question tests. An edition records a change to a course that
requires retraining; an acknowledgment is an employee's signed statement, kept as a record.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.models.progress import Enrollment, ImmutableRecord
from lms.audit import audit_record
from lms.organisation.dates import validate_date_in_range
from lms.organisation.models import Employee

#: Days a previous completer has to take a new edition's update, unless the edition says.
DEFAULT_GRACE_DAYS = 30


class GuidanceDocument(index.Indexed, ClusterableModel):
    """A source of guidance a course teaches: the executive order, a memo, a resolution."""

    title = models.CharField(_("title"), max_length=255)
    short_name = models.CharField(
        _("short name"),
        max_length=40,
        blank=True,
        help_text=_("How references cite it, for example “EO” gives “EO §7”."),
    )
    issuer = models.CharField(_("issued by"), max_length=255)
    issued_on = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("address (URL)"), blank=True)

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("issued_on")]),
        FieldPanel("issuer"),
        FieldPanel("url"),
        InlinePanel("clauses", heading=_("Clauses"), label=_("Clause"), min_num=1),
    ]
    search_fields = [index.SearchField("title"), index.SearchField("issuer")]

    class Meta:
        ordering = ["title"]
        verbose_name = _("guidance document")
        verbose_name_plural = _("guidance documents")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.issued_on is not None:
            try:
                validate_date_in_range(self.issued_on)
            except ValidationError as error:
                raise ValidationError({"issued_on": error}) from error


class Clause(Orderable):
    """One numbered section of a guidance document."""

    document = ParentalKey(
        GuidanceDocument,
        on_delete=models.CASCADE,
        related_name="clauses",
        verbose_name=_("document"),
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("short title"), max_length=255)
    text = models.TextField(_("text"), blank=True)

    panels = [FieldRowPanel([FieldPanel("number"), FieldPanel("title")]), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="clause_number_unique"),
        ]

    def __str__(self):
        return f"{self.label} – {self.title}"

    @property
    def label(self) -> str:
        """The citation: "EO §7", or the document's title when it has no short name."""
        if self.document.short_name:
            return f"{self.document.short_name} §{self.number}"
        return self.document.title


class CourseEditionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(published_at__isnull=True)

    def pending_for_lesson(self, lesson, *, lock: bool = False) -> "CourseEdition | None":
        """The pending edition of the course a lesson belongs to (its parent page), if any.

        A lesson of a translation belongs to its source's editions (issue 18): the course is
        found by its ``translation_key``, which a course and its translations share, so a
        Spanish lesson change is held for the source's pending edition like an English one.

        ``lock`` (inside a transaction) waits for an approval publishing it at this moment, so
        a lesson is never held for an edition that has just gone out.
        """
        if not lesson.path:
            return None
        course_keys = Page.objects.filter(path=lesson.path[: -lesson.steplen]).values(
            "translation_key"
        )
        editions = self.pending().filter(course__translation_key__in=course_keys)
        if lock:
            editions = editions.select_for_update(of=("self",))
        return editions.first()


class CourseEdition(models.Model):
    """A change to a course that requires retraining, published as the course's next edition.

    An editor prepares it (what changed, the grace period, which lessons changed); it takes
    effect when the course itself is published through the City Attorney's approval. Until then
    ``number`` and ``published_at`` are empty, and there is at most one such pending edition.
    """

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        related_name="editions",
        verbose_name=_("course"),
    )
    number = models.PositiveIntegerField(_("edition"), null=True, blank=True)
    summary = models.TextField(_("what changed"), max_length=2000)
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=DEFAULT_GRACE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How long people who completed the previous edition have to take the update."),
    )
    changed_lessons = models.ManyToManyField(
        "courses.LessonPage",
        blank=True,
        related_name="+",
        verbose_name=_("changed lessons"),
        help_text=_(
            "People who completed the previous edition take only these lessons and the "
            "questions on their clauses. Leave empty to have everyone take the whole course."
        ),
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(_("prepared at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(_("update due on"), null=True, blank=True)

    objects = CourseEditionQuerySet.as_manager()

    class Meta:
        ordering = ["course", "number"]
        verbose_name = _("course edition")
        verbose_name_plural = _("course editions")
        constraints = [
            models.UniqueConstraint(fields=["course", "number"], name="edition_number_unique"),
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(published_at__isnull=True),
                name="one_pending_edition_per_course",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(published_at__isnull=True, number__isnull=True, due_on__isnull=True)
                    | models.Q(
                        published_at__isnull=False, number__isnull=False, due_on__isnull=False
                    )
                ),
                name="edition_published_consistently",
            ),
        ]

    def __str__(self):
        if self.number is None:
            return f"{self.course_id}: next edition (pending)"
        return f"{self.course_id}: edition {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def due_date_from(self, published_at):
        """The day the update is due: the grace period counted from the publication date."""
        return timezone.localdate(published_at) + timedelta(days=self.grace_days)

    def lesson_revision_hold(self, *, lesson, revision, user=None) -> "HeldLessonRevision":
        """Keep a lesson's revision as its draft until this (pending) edition is approved.

        Called by ``LessonPage.publish`` for every path that publishes a lesson (workflow
        approval, the Publish action, a scheduled publish, the bulk action); the edition's
        publication (``courses.services.course_edition_publish``) publishes it. A scheduled
        revision loses its go-live time, so the scheduler does not try again.
        """
        if revision.approved_go_live_at is not None:
            revision.approved_go_live_at = None
            revision.save(update_fields=["approved_go_live_at"])
        held, created = HeldLessonRevision.objects.get_or_create(
            edition=self,
            revision_id=revision.pk,
            defaults={"lesson_id": lesson.pk, "held_by": user if user else None},
        )
        if created:
            audit_record(
                instance=self,
                action="lms.course.lesson_held",
                user=user,
                data={"lesson": lesson.pk, "title": lesson.title, "revision": revision.pk},
            )
        return held


class HeldLessonRevision(models.Model):
    """A lesson's revision that was published (or approved) while its course had a pending
    edition: it stays the lesson's draft and goes live with the edition."""

    edition = models.ForeignKey(
        CourseEdition,
        on_delete=models.CASCADE,
        related_name="held_revisions",
        verbose_name=_("edition"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("lesson")
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("revision"),
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    held_at = models.DateTimeField(_("held at"), default=timezone.now)

    class Meta:
        ordering = ["edition", "held_at"]
        verbose_name = _("held lesson revision")
        verbose_name_plural = _("held lesson revisions")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "revision"], name="held_lesson_revision_once"
            ),
        ]

    def __str__(self):
        return f"{self.edition_id}: lesson {self.lesson_id} revision {self.revision_id}"


class Acknowledgment(ImmutableRecord):
    """An employee's signed acknowledgment at the end of a course: the exact text, as shown."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="acknowledgment"
    )
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="acknowledgments")
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.PROTECT, related_name="acknowledgments"
    )
    course_title = models.CharField(_("course title"), max_length=255)
    course_edition = models.PositiveIntegerField(_("course edition"))
    text = models.TextField(_("text acknowledged"))
    signature = models.CharField(_("signature (name typed)"), max_length=255)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("acknowledgment")
        verbose_name_plural = _("acknowledgments")
        indexes = [
            models.Index(fields=["employee", "course", "signed_at"], name="acknowledgment_latest"),
        ]

    def __str__(self):
        return f"{self.signature} – {self.course_title} (ed. {self.course_edition})"
