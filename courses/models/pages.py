"""The training content tree: TrainingIndexPage > CoursePage > LessonPage."""

from django.contrib.auth.views import redirect_to_login
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock


class LoginRequiredMixin:
    """Learner pages are for signed-in City staff only; anonymous visitors go to the login."""

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)


class TrainingIndexPage(Page):
    """The catalogue of training courses."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["lms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("training index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = CoursePage.objects.child_of(self).live().order_by("path")
        return context


class CoursePage(LoginRequiredMixin, Page):
    """A training module: an ordered set of lessons (and later a quiz) on one policy topic."""

    summary = models.TextField(_("summary"), max_length=600)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        default=20,
    )
    audience_note = models.TextField(
        _("audience"),
        blank=True,
        help_text=_("Who must take this course, in plain words."),
    )
    edition = models.PositiveIntegerField(
        _("edition"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Increases when the guidance changes in a way that requires retraining."),
    )
    content_note = models.TextField(
        _("content note"),
        blank=True,
        help_text=_(
            "Shown before the first lesson of courses on sensitive topics, so learners can "
            "prepare."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("audience_note"),
                FieldPanel("edition"),
                FieldPanel("content_note"),
            ],
            heading=_("About this course"),
        ),
        InlinePanel(
            "policy_references",
            heading=_("Policy references"),
            label=_("Policy reference"),
            help_text=_("The policies this course implements, for example “EO §7”."),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["courses.TrainingIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = list(self.lessons().only("id", "title", "path", "url_path"))
        context["policy_references"] = list(self.policy_references.all())
        return context


class CoursePolicyReference(Orderable):
    """A policy a course implements, such as a section of the executive order or a memo."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="policy_references")
    reference = models.CharField(
        _("reference"),
        max_length=120,
        help_text=_("For example “EO §7” or “City Attorney memo of 2025-02-10”."),
    )

    panels = [FieldPanel("reference")]

    class Meta(Orderable.Meta):
        verbose_name = _("policy reference")
        verbose_name_plural = _("policy references")

    def __str__(self):
        return self.reference


class LessonPage(LoginRequiredMixin, Page):
    """One lesson of a course, read in order."""

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific_deferred
        # The lesson itself is included even when it is a draft being previewed.
        siblings = list(
            LessonPage.objects.sibling_of(self)
            .filter(models.Q(live=True) | models.Q(pk=self.pk))
            .order_by("path")
            .only("id", "title", "url_path", "path")
        )
        position = next(i for i, lesson in enumerate(siblings) if lesson.pk == self.pk)
        context.update(
            course=course,
            lessons=siblings,
            lesson_number=position + 1,
            previous_lesson=siblings[position - 1] if position > 0 else None,
            next_lesson=siblings[position + 1] if position + 1 < len(siblings) else None,
        )
        return context
