"""The blocks a lesson is written with.

Each block renders accessible HTML with U.S. Web Design System classes; headings are limited to
h2-h4 because the page title is the only h1.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading text"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3")), ("h4", _("Heading 4"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Heading")
        description = _("A section heading (levels 2 to 4; the lesson title is level 1).")


class RichTextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/rich_text_block.html"
        label = _("Text")
        description = _("Paragraphs, lists and links.")


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("important", _("Important")), ("warning", _("Warning"))],
        default="important",
    )
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    body = blocks.RichTextBlock(label=_("Body"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/callout_block.html"
        label = _("Callout")
        description = _("A highlighted box for an important point or a warning.")


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        max_length=300,
        required=True,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("Caption"), max_length=300, required=False)

    class Meta:
        icon = "image"
        template = "blocks/image_block.html"
        label = _("Image")
        description = _("An image with required alternative text.")


class VideoBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    video = EmbedBlock(label=_("Video URL"))
    transcript = blocks.RichTextBlock(
        label=_("Transcript"),
        features=RICH_TEXT_FEATURES,
        help_text=_("Required: a full transcript for people who cannot hear or watch the video."),
    )

    class Meta:
        icon = "media"
        template = "blocks/video_block.html"
        label = _("Video")
        description = _("An embedded video with its transcript.")


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Link text"),
        max_length=200,
        required=False,
        help_text=_("Defaults to the document title."),
    )

    class Meta:
        icon = "doc-full"
        template = "blocks/document_link_block.html"
        label = _("Document link")
        description = _("A link to download a document, with its type and size.")


class ScenarioBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    situation = blocks.RichTextBlock(label=_("Situation"), features=RICH_TEXT_FEATURES)
    what_to_do = blocks.RichTextBlock(label=_("What to do"), features=RICH_TEXT_FEATURES)
    why = blocks.RichTextBlock(label=_("Why"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "group"
        template = "blocks/scenario_block.html"
        label = _("Scenario")
        description = _("A realistic situation, what to do, and why.")


class PolicyStatementBlock(blocks.StructBlock):
    """What the order (or another guidance document) says, quoted or closely paraphrased, with
    the clause it comes from."""

    citation = blocks.CharBlock(
        label=_("Clause cited"),
        max_length=100,
        help_text=_("Where the statement comes from, for example EO §9."),
    )
    text = blocks.RichTextBlock(label=_("Statement"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "openquote"
        template = "blocks/policy_block.html"
        label = _("Policy statement")
        description = _("A rule of the order, quoted or closely paraphrased, with its clause.")


class SampleGuidanceBlock(blocks.StructBlock):
    """Guidance the order does not contain (what the City Attorney's guidance might say,
    procedures, definitions), shown as sample text awaiting the City Attorney's Office."""

    body = blocks.RichTextBlock(label=_("Guidance"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        template = "blocks/sample_guidance_block.html"
        label = _("Sample guidance")
        description = _(
            "Sample guidance that is not in the order: to be replaced by the City Attorney's "
            "Office."
        )


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = RichTextBlock()
    callout = CalloutBlock()
    image = ImageBlock()
    video = VideoBlock()
    document = DocumentLinkBlock()
    scenario = ScenarioBlock()
    policy = PolicyStatementBlock()
    sample_guidance = SampleGuidanceBlock()


def clause_choices() -> list[tuple[str, str]]:
    """Every clause of every guidance document, for a question to say which it tests."""
    from courses.models import Clause

    return [
        (str(clause.pk), str(clause))
        for clause in Clause.objects.select_related("document").order_by(
            "document__title", "sort_order", "pk"
        )
    ]


class QuizChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer"), max_length=500)
    is_correct = blocks.BooleanBlock(label=_("Correct"), required=False)

    class Meta:
        icon = "tick"
        label = _("Answer choice")


class QuizQuestionBlock(blocks.StructBlock):
    """One question of a course's question bank; graded only on the server."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"

    kind = blocks.ChoiceBlock(
        label=_("Question type"),
        choices=[
            (SINGLE, _("Single choice")),
            (MULTIPLE, _("Multiple select")),
            (TRUE_FALSE, _("True or false")),
        ],
        default=SINGLE,
    )
    text = blocks.TextBlock(label=_("Question"), max_length=1000)
    choices = blocks.ListBlock(QuizChoiceBlock(), label=_("Answer choices"), min_num=2)
    explanation = blocks.TextBlock(
        label=_("Explanation"),
        max_length=2000,
        help_text=_("Shown to the learner after they submit the quiz."),
    )
    clauses = blocks.MultipleChoiceBlock(
        label=_("Clauses tested"),
        choices=clause_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The clauses of guidance documents this question tests."),
    )
    always_include = blocks.BooleanBlock(
        label=_("Always include"),
        required=False,
        help_text=_("Include this question in every attempt, whatever is drawn at random."),
    )

    class Meta:
        icon = "help"
        template = "blocks/quiz_question_block.html"
        label = _("Question")
        description = _("A quiz question with its answer choices and explanation.")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for choice in value["choices"] if choice["is_correct"])
        errors = {}
        if value["kind"] == self.TRUE_FALSE and len(value["choices"]) != 2:
            errors["choices"] = ValidationError(_("A true-or-false question has two choices."))
        elif value["kind"] in (self.SINGLE, self.TRUE_FALSE) and correct != 1:
            errors["choices"] = ValidationError(_("Mark exactly one choice as correct."))
        elif value["kind"] == self.MULTIPLE and correct < 1:
            errors["choices"] = ValidationError(_("Mark at least one choice as correct."))
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value


class QuizBankBlock(blocks.StreamBlock):
    question = QuizQuestionBlock()
