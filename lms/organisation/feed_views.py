"""OEI reads what the HR roster feed did: the files it read, each one's preview or errors."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from lms.organisation import selectors

#: OEI administrators have it (``roles.ROLE_PERMISSIONS``).
PERMISSION = "organisation.view_rosterfeedfile"


class RosterFeedViewMixin(WagtailAdminTemplateMixin):
    page_title = gettext_lazy("HR roster feed")
    header_icon = "folder-open-inverse"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            self.template_name = "organisation/roster_import_error.html"
            context = self.get_context_data(
                message=_("Only OEI administrators can read the HR roster feed."),
                to_upload=False,
            )
            return self.render_to_response(context, status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("organisation_roster_feed:index"), "label": _("HR roster feed")},
        ]


class RosterFeedIndexView(RosterFeedViewMixin, TemplateView):
    template_name = "organisation/roster_feed_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            files=selectors.roster_feed_files()[:100],
            directory=selectors.roster_feed_directory(),
            **kwargs,
        )


class RosterFeedFileView(RosterFeedViewMixin, TemplateView):
    template_name = "organisation/roster_feed_file.html"

    def get_context_data(self, **kwargs):
        record = selectors.roster_feed_files().filter(pk=self.kwargs["pk"]).first()
        if record is None:
            raise Http404(_("No such HR feed file."))
        self.page_subtitle = record.file_name
        return super().get_context_data(record=record, **kwargs)
