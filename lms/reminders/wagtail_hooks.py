"""OEI sees the outbox in the admin: every reminder and digest, and which failed and why."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from lms.organisation.selectors import can_see_citywide
from lms.reminders.models import Digest, ReminderLog


class ReminderLogViewSet(ModelViewSet):
    model = ReminderLog
    icon = "mail"
    menu_label = _("Reminders sent")
    name = "reminder-log"
    list_display = [
        "employee",
        "kind",
        "period",
        "scan_date",
        "delivery",
        "status_label",
        "skip_reason",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["kind", "delivery", "scan_date", "skip_reason", "uncertain", "attempts"]
    search_fields = ["employee__employee_number", "employee__user__last_name"]
    ordering = ["-scan_date", "pk"]
    inspect_view_enabled = True
    exclude_form_fields = []

    def get_queryset(self, request):
        return ReminderLog.objects.select_related("employee__user")


class DigestViewSet(ModelViewSet):
    model = Digest
    icon = "list-ul"
    menu_label = _("Reminder digests")
    name = "reminder-digest"
    list_display = [
        "recipient",
        "kind",
        "period",
        "status_label",
        "skip_reason",
        "sent_at",
        "attempts",
        "last_error",
    ]
    list_filter = ["kind", "period", "skip_reason", "uncertain", "attempts"]
    ordering = ["-period", "pk"]
    inspect_view_enabled = True
    exclude_form_fields = []


class RemindersViewSetGroup(ViewSetGroup):
    items = (ReminderLogViewSet, DigestViewSet)
    menu_icon = "mail"
    menu_label = _("Reminders")
    menu_name = "reminders"


@hooks.register("register_admin_viewset")
def register_viewset():
    return RemindersViewSetGroup()


class ToCheckMenuItem(MenuItem):
    """The reminders OEI checks (failed, or may not have been sent), with "Send again"."""

    def is_shown(self, request):
        return can_see_citywide(request.user)


@hooks.register("register_admin_menu_item")
def register_to_check_menu_item():
    return ToCheckMenuItem(
        _("Reminders to check"),
        reverse_lazy("reminders:to_check"),
        name="reminders-to-check",
        icon_name="warning",
        order=9020,
    )
