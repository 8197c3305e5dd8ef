"""Guidance documents as snippets, the coverage report, the "new edition" screen, lesson
changes held for a pending edition and the legal reviewer's queue of new editions."""

from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.snippets.models import register_snippet

from courses import admin_views, selectors
from courses.models import CoursePage, GuidanceDocument, LessonPage
from lms.choosers import SnippetViewSet


class GuidanceDocumentViewSet(SnippetViewSet):
    model = GuidanceDocument
    icon = "doc-full"
    menu_label = _("Guidance documents")
    menu_name = "guidance-documents"
    add_to_admin_menu = True
    list_display = ["title", "short_name", "issuer", "issued_on"]
    search_fields = ["title", "issuer"]
    ordering = ["title"]


register_snippet(GuidanceDocumentViewSet)


@hooks.register("register_admin_urls")
def governance_urls():
    return [
        path(
            "courses/<id:course_id>/new-edition/",
            admin_views.CourseEditionView.as_view(),
            name="course_new_edition",
        ),
        path(
            "reports/guidance-coverage/",
            admin_views.GuidanceCoverageView.as_view(),
            name="guidance_coverage",
        ),
    ]


class CoverageMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.can_see_coverage(request.user)


@hooks.register("register_reports_menu_item")
def coverage_menu_item():
    return CoverageMenuItem(
        _("Guidance coverage"), reverse("guidance_coverage"), icon_name="list-ul", order=900
    )


@hooks.register("register_page_header_buttons")
def new_edition_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, CoursePage) and admin_views.can_prepare_edition(
        user, page.specific_deferred
    ):
        yield Button(
            _("Publish as a new edition"),
            reverse("course_new_edition", args=[page.pk]),
            icon_name="doc-full-inverse",
            priority=40,
        )


class NewEditionMenuItem(ActionMenuItem):
    """In the course editor's "More actions": say this change needs retraining."""

    label = _("Publish as a new edition")
    name = "action-new-edition"
    icon_name = "doc-full-inverse"
    order = 45

    def is_shown(self, context):
        page = context.get("page")
        return (
            context.get("view") == "edit"
            and page is not None
            and isinstance(page.specific_deferred, CoursePage)
            and admin_views.can_prepare_edition(context["request"].user, page.specific_deferred)
        )

    def get_url(self, context):
        return reverse("course_new_edition", args=[context["page"].pk])


@hooks.register("register_page_action_menu_item")
def new_edition_menu_item():
    return NewEditionMenuItem()


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def quiz_bank_size_warning(request, page):
    """Saving a course whose bank is under twice the draw is allowed, with a warning."""
    page = page.specific_deferred
    if isinstance(page, CoursePage):
        warning = page.quiz_bank_warning()
        if warning:
            messages.warning(request, warning)


@hooks.register("before_publish_page")
def lesson_publish_held_for_edition(request, page):
    """The editor's Publish button on a lesson whose course has a pending edition: the revision
    just saved is held for the edition (``LessonPage.publish``) instead of going live."""
    if not isinstance(page.specific_deferred, LessonPage):
        return None
    edition = selectors.pending_edition_of_lesson(lesson=page)
    if edition is None:
        return None
    # As saved by the view a moment ago: the revision the editor asked to publish.
    lesson = LessonPage.objects.select_related("latest_revision").get(pk=page.pk)
    if lesson.live_revision_id is None and lesson.live:
        # A new lesson: the create view adds it live before publishing; it stays a draft.
        lesson.live = False
        lesson.has_unpublished_changes = True
        lesson.save(update_fields=["live", "has_unpublished_changes"])
    lesson.publish(lesson.latest_revision, user=request.user)
    messages.warning(
        request,
        gettext(
            "“%(lesson)s” was saved but not published: edition %(number)s of “%(course)s” is "
            "waiting for the City Attorney's approval, and this change goes live with it."
        )
        % {
            "lesson": lesson.title,
            "number": edition.course.edition + 1,
            "course": edition.course.title,
        },
    )
    return redirect("wagtailadmin_pages:edit", lesson.pk)


class EditionsAwaitingReviewPanel(Component):
    """On the legal reviewer's dashboard, above Wagtail's "Awaiting your review": each new
    edition waiting for them, who submitted it, what changed, the changed lessons with their
    diffs and previews, and how many people will owe the update."""

    name = "editions_awaiting_review"
    template_name = "courses/admin/editions_awaiting_review.html"
    order = 210

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["editions"] = selectors.editions_awaiting_review(
            user=parent_context["request"].user
        )
        return context


@hooks.register("construct_homepage_panels")
def editions_awaiting_review_panel(request, panels):
    panels.append(EditionsAwaitingReviewPanel())


# --- Rendered bodies (issue 21, docs/caching.md) ---------------------------------------------
# Keys name the live revision, so a publish needs nothing here; an unpublished or deleted page
# has its rendered parts deleted at once rather than left in the cache until they expire.


@receiver(page_unpublished, sender=LessonPage, dispatch_uid="courses.body_forget_lesson")
@receiver(page_unpublished, sender=CoursePage, dispatch_uid="courses.body_forget_course")
@receiver(pre_delete, sender=LessonPage, dispatch_uid="courses.body_forget_deleted_lesson")
@receiver(pre_delete, sender=CoursePage, dispatch_uid="courses.body_forget_deleted_course")
def rendered_body_forget(sender, instance, **kwargs):
    cache.delete_many(selectors.body_cache_keys_of(page=instance))


# An image, a document or a page that a lesson or course links to can change without a new
# revision of the lesson (a new file, a new title, a page moved or unpublished; a deleted page
# is unpublished first): the bodies that show it are deleted too, found through Wagtail's
# reference index.
@receiver(post_save, sender=get_image_model(), dispatch_uid="courses.body_forget_image_saved")
@receiver(post_delete, sender=get_image_model(), dispatch_uid="courses.body_forget_image_deleted")
@receiver(post_save, sender=get_document_model(), dispatch_uid="courses.body_forget_doc_saved")
@receiver(post_delete, sender=get_document_model(), dispatch_uid="courses.body_forget_doc_deleted")
@receiver(page_published, dispatch_uid="courses.body_forget_linked_page_published")
@receiver(page_unpublished, dispatch_uid="courses.body_forget_linked_page_unpublished")
@receiver(post_page_move, dispatch_uid="courses.body_forget_linked_page_moved")
def rendered_bodies_referring_forget(sender, instance, **kwargs):
    keys = selectors.body_cache_keys_referring_to(instance)
    if keys:
        cache.delete_many(keys)
