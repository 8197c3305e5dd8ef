"""The training content tree: TrainingIndexPage > CoursePage > LessonPage."""

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.actions.publish_page_revision import PublishPageRevisionAction
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.blocks import LessonBodyBlock, QuizBankBlock
from courses.models.governance import CourseEdition

#: The question bank should hold at least this many times the questions an attempt draws.
QUIZ_BANK_RATIO = 2
#: The longest wait between attempts an editor can set: one week.
MAX_WAIT_MINUTES = 7 * 24 * 60


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


class QuizReview(models.TextChoices):
    """What a learner sees on the result page of a quiz attempt (as Moodle's review options).

    Each level shows everything the one before it does. Only ``FULL`` shows which choice was
    correct; the others never put a correct choice the learner did not pick in the page.
    """

    SCORE = "score", _("Score only")
    WRONG = "wrong", _("Score and which questions were wrong")
    EXPLAINED = (
        "explained",
        _("Score, which questions were wrong and the explanations (never the correct choice)"),
    )
    FULL = "full", _("Full review: the correct choices and the explanations")


class QuizBankSizePanel(Panel):
    """On the Quiz tab: a warning when the bank is too small for a retake to be a new test."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/quiz_bank_size_panel.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.warning = self.instance.quiz_bank_warning() if self.instance else ""

        def is_shown(self):
            return bool(self.warning)


class TranslationBehindPanel(Panel):
    """At the top of a course's editor: on a translation made for an earlier edition of its
    source, that it is behind (and not served); on a source, which translations are behind."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/translation_behind_panel.html"

        def __init__(self, **kwargs):
            from courses.selectors import course_source, translations_behind

            super().__init__(**kwargs)
            self.source = None
            self.behind = []
            if self.instance is None or not self.instance.pk:
                return
            source = course_source(self.instance)
            if source.pk != self.instance.pk:
                if self.instance.edition < source.edition:
                    self.source = source
            else:
                self.behind = translations_behind(course=self.instance)

        def is_shown(self):
            return self.source is not None or bool(self.behind)


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
    # Set only by courses.services.course_edition_publish; editing a page never changes it.
    edition = models.PositiveIntegerField(
        _("edition"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Increases when the guidance changes in a way that requires retraining."),
    )
    acknowledgment_text = models.TextField(
        _("acknowledgment"),
        blank=True,
        help_text=_(
            "If set, learners sign this statement by typing their name before the course counts "
            "as completed. {date} stands for the date of the guidance, for example: “I have read "
            "and will follow the City Attorney's guidance of {date}.”"
        ),
    )
    content_note = models.TextField(
        _("content note"),
        blank=True,
        help_text=_(
            "Shown before the first lesson of courses on sensitive topics, so learners can prepare."
        ),
    )

    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Completions expire after this many months. Leave empty if they never do."),
    )

    quiz = StreamField(QuizBankBlock(), blank=True, verbose_name=_("question bank"))
    quiz_pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    quiz_question_count = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        default=0,
        help_text=_("How many questions are drawn at random for each attempt; 0 means all."),
    )
    quiz_shuffle_choices = models.BooleanField(_("shuffle answer choices"), default=True)
    quiz_max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), default=0, help_text=_("0 means unlimited.")
    )
    quiz_wait_minutes = models.PositiveIntegerField(
        _("waiting time between attempts (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_WAIT_MINUTES)],
        help_text=_(
            "After a failed attempt, the learner waits this long before the next. 0 means no wait."
        ),
    )
    quiz_max_attempts_per_day = models.PositiveSmallIntegerField(
        _("maximum attempts in any 24 hours"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("0 means no daily limit."),
    )
    quiz_review_after_fail = models.CharField(
        _("what learners see after a failed attempt"),
        max_length=20,
        choices=QuizReview.choices,
        default=QuizReview.EXPLAINED,
        help_text=_(
            "Anything but the full review keeps the correct choices hidden, so that a retake "
            "tests what was learned, not what the result page showed. Write explanations that "
            "teach the rule rather than quote the right choice."
        ),
    )
    quiz_review_after_pass = models.CharField(
        _("what learners see after a pass"),
        max_length=20,
        choices=QuizReview.choices,
        default=QuizReview.FULL,
    )

    content_panels = [
        TranslationBehindPanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("audience_note"),
                FieldPanel("validity_months"),
                FieldPanel("content_note"),
            ],
            heading=_("About this course"),
        ),
        InlinePanel(
            "policy_references",
            heading=_("Guidance clauses"),
            label=_("Clause"),
            help_text=_("The clauses of guidance documents this course implements."),
        ),
        FieldPanel("acknowledgment_text"),
    ]
    quiz_panels = [
        MultiFieldPanel(
            [
                FieldPanel("quiz_pass_mark"),
                FieldPanel("quiz_question_count"),
                FieldPanel("quiz_shuffle_choices"),
                FieldPanel("quiz_max_attempts"),
                FieldPanel("quiz_wait_minutes"),
                FieldPanel("quiz_max_attempts_per_day"),
            ],
            heading=_("Quiz settings"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("quiz_review_after_fail"),
                FieldPanel("quiz_review_after_pass"),
            ],
            heading=_("Result page"),
        ),
        QuizBankSizePanel(heading=_("Question bank size")),
        FieldPanel("quiz"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(quiz_panels, heading=_("Quiz")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [*Page.search_fields, index.SearchField("summary")]

    parent_page_types = ["courses.TrainingIndexPage"]
    subpage_types = ["courses.LessonPage"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def lessons(self):
        return LessonPage.objects.child_of(self).live().order_by("path")

    def with_content_json(self, content):
        """The edition is not content: restoring or publishing a revision keeps the live one."""
        obj = super().with_content_json(content)
        obj.edition = self.edition
        return obj

    @property
    def has_quiz(self) -> bool:
        return len(self.quiz) > 0

    def quiz_review(self, *, passed: bool) -> str:
        """The review level the result page of an attempt shows, under today's settings."""
        return self.quiz_review_after_pass if passed else self.quiz_review_after_fail

    def quiz_bank_warning(self) -> str:
        """A warning for editors when the bank holds fewer than twice the questions drawn for
        an attempt (a retake would then repeat most of the test); empty when it is fine."""
        bank = sum(1 for block in self.quiz if block.block_type == "question")
        if not bank:
            return ""
        drawn = min(self.quiz_question_count or bank, bank)
        if bank >= QUIZ_BANK_RATIO * drawn:
            return ""
        return _(
            "The question bank holds %(bank)s questions and each attempt draws %(drawn)s. With "
            "fewer than %(needed)s questions in the bank, a retake repeats most of the test: "
            "add questions or draw fewer."
        ) % {"bank": bank, "drawn": drawn, "needed": QUIZ_BANK_RATIO * drawn}

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_approved_at, course_progress, course_shown

        context = super().get_context(request, *args, **kwargs)
        lessons = list(self.lessons().only("id", "title", "path", "url_path", "translation_key"))
        # The learner's language chooses the text; ids, addresses and progress are the source's.
        shown = course_shown(course=self, lessons=lessons, language=translation.get_language())
        context.update(
            page=shown.course,
            self=shown.course,
            shown=shown,
            lessons=shown.lessons,
            policy_references=list(
                self.policy_references.select_related("clause__document").order_by("sort_order")
            ),
            progress=course_progress(user=request.user, course=self, lessons=lessons),
            approved_at=course_approved_at(course=self),
        )
        return context


class CoursePolicyReference(Orderable):
    """A clause of a guidance document that a course implements."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="policy_references")
    clause = models.ForeignKey(
        "courses.Clause",
        on_delete=models.PROTECT,
        related_name="course_references",
        verbose_name=_("clause"),
    )

    panels = [FieldPanel("clause")]

    class Meta(Orderable.Meta):
        verbose_name = _("policy reference")
        verbose_name_plural = _("policy references")

    def __str__(self):
        return self.clause.label


class HeldForEditionPanel(Panel):
    """At the top of a lesson's editor while its course has a pending edition: what is
    published or approved here goes live with that edition, not before."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/held_for_edition_panel.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.edition = None
            if self.instance is not None and self.instance.pk:
                self.edition = CourseEdition.objects.pending_for_lesson(self.instance)
            if self.edition is not None:
                self.course = self.edition.course
                self.number = self.course.edition + 1

        def is_shown(self):
            return self.edition is not None


class LessonPage(LoginRequiredMixin, Page):
    """One lesson of a course, read in order.

    While its course has a pending edition, publishing a lesson (by any path) is held: the
    revision stays the draft and goes live when the edition is approved (``publish``).
    """

    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = StreamField(LessonBodyBlock(), verbose_name=_("body"))
    clauses = ParentalManyToManyField(
        "courses.Clause",
        blank=True,
        related_name="lessons",
        verbose_name=_("clauses taught"),
        help_text=_("The clauses of guidance documents this lesson teaches."),
    )

    content_panels = [
        HeldForEditionPanel(),
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("clauses", widget=forms.CheckboxSelectMultiple),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def publish(
        self,
        revision,
        user=None,
        changed=True,
        log_action=True,
        previous_revision=None,
        skip_permission_checks=False,
    ):
        """Publish, unless the course has a pending edition: then the revision is held for it.

        Every path that publishes a page through its model goes through here (workflow
        approval, a scheduled publish, the bulk action, ``Revision.publish``); the editor's
        Publish button is held by the ``before_publish_page`` hook (``courses.wagtail_hooks``),
        which calls this. Returns the held record, or None when published.
        """
        with transaction.atomic():
            edition = CourseEdition.objects.pending_for_lesson(self, lock=True)
            if edition is None:
                return super().publish(
                    revision,
                    user=user,
                    changed=changed,
                    log_action=log_action,
                    previous_revision=previous_revision,
                    skip_permission_checks=skip_permission_checks,
                )
            # The same permission as publishing: holding is publishing later.
            PublishPageRevisionAction(revision, user=user).check(
                skip_permission_checks=skip_permission_checks
            )
            return edition.lesson_revision_hold(lesson=self, revision=revision, user=user)

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import course_progress, course_shown

        context = super().get_context(request, *args, **kwargs)
        course = self.get_parent().specific_deferred
        # The lesson itself is included even when it is a draft being previewed.
        siblings = list(
            LessonPage.objects.sibling_of(self)
            .filter(models.Q(live=True) | models.Q(pk=self.pk))
            .order_by("path")
            .only("id", "title", "url_path", "path", "translation_key")
        )
        position = next(i for i, lesson in enumerate(siblings) if lesson.pk == self.pk)
        progress = course_progress(user=request.user, course=course, lessons=siblings)
        # The learner's language chooses the text; ids, addresses and progress are the source's.
        shown = course_shown(
            course=course,
            lessons=siblings,
            language=translation.get_language(),
            current=self,
        )
        lessons = shown.lessons
        context.update(
            page=lessons[position],
            self=lessons[position],
            shown=shown,
            course=shown.course,
            progress=progress,
            is_read=self.pk in progress.completed_lesson_ids,
            lessons=lessons,
            lesson_number=position + 1,
            previous_lesson=lessons[position - 1] if position > 0 else None,
            next_lesson=lessons[position + 1] if position + 1 < len(lessons) else None,
        )
        return context
