"""Admin screens for guidance governance: a course's next edition and the coverage report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses import selectors, services
from courses.forms import CourseEditionForm
from courses.models import CourseEdition, CoursePage


def can_prepare_edition(user, course: CoursePage) -> bool:
    return user.has_perm("courses.add_courseedition") and (
        course.permissions_for_user(user).can_edit()
    )


class CourseEditionView(WagtailAdminTemplateMixin, FormView):
    """ "Publish as a new edition": the editor says what changed, the grace period and which
    lessons changed; the course then goes to the City Attorney's Office for approval."""

    template_name = "courses/admin/course_edition.html"
    form_class = CourseEditionForm
    header_icon = "doc-full-inverse"

    def dispatch(self, request, *args, **kwargs):
        self.course = get_object_or_404(CoursePage, pk=kwargs["course_id"])
        if not can_prepare_edition(request.user, self.course):
            raise PermissionDenied
        self.pending = CourseEdition.objects.filter(
            course=self.course, published_at__isnull=True
        ).first()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return _("New edition of “%(title)s”") % {"title": self.course.title}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.course.pk]),
                "label": self.course.title,
            },
            {"url": "", "label": _("New edition")},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["course"] = self.course
        if self.pending is not None and self.request.method == "GET":
            kwargs["initial"] = {
                "summary": self.pending.summary,
                "grace_days": self.pending.grace_days,
                "changed_lessons": list(self.pending.changed_lessons.all()),
            }
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            course=self.course,
            pending=self.pending,
            editions=CourseEdition.objects.filter(course=self.course, published_at__isnull=False)
            .select_related("published_by")
            .order_by("-number"),
        )
        return context

    def form_valid(self, form):
        try:
            services.course_edition_prepare(
                course=self.course,
                summary=form.cleaned_data["summary"],
                grace_days=form.cleaned_data["grace_days"],
                changed_lessons=list(form.cleaned_data["changed_lessons"]),
                user=self.request.user,
            )
        except services.EditionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Edition %(number)s is prepared and the course was submitted to the City "
                "Attorney's Office. It is published when a legal reviewer approves it."
            )
            % {"number": self.course.edition + 1},
        )
        return redirect("wagtailadmin_explore", self.course.get_parent().pk)


class GuidanceCoverageView(WagtailAdminTemplateMixin, TemplateView):
    """Per guidance document, each clause with the lessons teaching it and the questions
    testing it; untaught and untested clauses are flagged."""

    template_name = "courses/admin/coverage.html"
    page_title = gettext_lazy("Guidance coverage")
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        if not selectors.can_see_coverage(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["documents"] = selectors.guidance_coverage(user=self.request.user)
        return context
