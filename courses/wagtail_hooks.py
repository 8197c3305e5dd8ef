"""Guidance documents as snippets, the coverage report and the "new edition" screen."""

from django.contrib import messages
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.action_menu import ActionMenuItem
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from courses import admin_views, selectors
from courses.models import CoursePage, GuidanceDocument


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
