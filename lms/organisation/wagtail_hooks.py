"""OEI manages departments, their liaisons and employees in the Wagtail admin."""

from django.urls import include, path, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from lms.choosers import SnippetViewSet
from lms.organisation import access, admin_users, feed_urls, feed_views
from lms.organisation import urls as roster_urls
from lms.organisation import views as roster_views
from lms.organisation.forms import EmployeeAdminForm
from lms.organisation.models import Department, Employee
from lms.organisation.services import employees


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    list_display = ["name", "code", "serves_children", "is_active"]
    list_filter = ["is_active", "serves_children"]
    search_fields = ["name", "code"]
    ordering = ["name"]


class EmployeeEditView(SnippetEditView):
    """The employee's page, with "Send invitation" for whoever may manage their account."""

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        user = self.object.user
        if (
            user.is_active
            and user.email
            and access.user_can_manage_account(self.request.user, user)
        ):
            buttons.append(
                Button(
                    _("Send invitation"),
                    url=admin_users.invitation_url(user),
                    icon_name="mail",
                    priority=16,
                )
            )
        return buttons


class EmployeeViewSet(SnippetViewSet):
    model = Employee
    edit_view_class = EmployeeEditView
    icon = "user"
    menu_label = _("Employees")
    list_display = ["employee_number", "full_name", "department", "job_title", "is_active"]
    list_filter = ["department", "is_active", "preferred_language"]
    search_fields = ["employee_number", "job_title"]
    ordering = ["employee_number"]
    list_per_page = 50
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("employee_number"),
                    FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
                    FieldPanel("email"),
                ],
                heading=_("Person"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("department"),
                    FieldPanel("job_title"),
                    FieldPanel("hire_date"),
                    FieldPanel("is_active"),
                ],
                heading=_("Employment"),
            ),
            FieldPanel("preferred_language"),
        ],
        base_form_class=EmployeeAdminForm,
    )

    def get_queryset(self, request):
        return Employee.objects.select_related("user", "department")


class OrganisationGroup(SnippetViewSetGroup):
    items = (DepartmentViewSet, EmployeeViewSet)
    menu_icon = "group"
    menu_label = _("Organisation")
    menu_name = "organisation"


register_snippet(OrganisationGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def sync_liaison_roles(request, instance):
    """Liaisons named on a department get (or lose) the Department liaison role."""
    if isinstance(instance, Department):
        employees.liaison_roles_sync()


# --- The HR roster import -------------------------------------------------------------------


class RosterImportMenuItem(MenuItem):
    """Shown only to those who may import (the view itself refuses everyone else)."""

    def is_shown(self, request):
        return request.user.has_perm(roster_views.PERMISSION)


@hooks.register("register_admin_urls")
def register_roster_import_urls():
    return [
        path("organisation/roster-import/", include(roster_urls)),
        path("organisation/roster-feed/", include(feed_urls)),
    ]


@hooks.register("register_admin_menu_item")
def register_roster_import_menu_item():
    return RosterImportMenuItem(
        _("Roster import"),
        reverse_lazy("organisation_roster:upload"),
        name="roster-import",
        icon_name="upload",
        order=9010,
    )


class RosterFeedMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(feed_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def register_roster_feed_menu_item():
    return RosterFeedMenuItem(
        _("HR roster feed"),
        reverse_lazy("organisation_roster_feed:index"),
        name="roster-feed",
        icon_name="folder-open-inverse",
        order=9011,
    )


# --- Users: separation of duties (see admin_users.py and docs/roles.md) ---------------------


@hooks.register("register_admin_urls")
def register_user_password_reset_urls():
    return [
        path(
            "organisation/users/",
            include(
                (
                    [
                        path(
                            "<int:pk>/password-reset/",
                            admin_users.UserPasswordResetView.as_view(),
                            name="password_reset",
                        ),
                        path(
                            "<int:pk>/invitation/",
                            admin_users.UserInvitationView.as_view(),
                            name="invitation",
                        ),
                    ],
                    "organisation_users",
                ),
                namespace="organisation_users",
            ),
        )
    ]


# Replace Wagtail's "Assign role" and "Set active state" on users (registered after theirs).
hooks.register("register_bulk_action", admin_users.LMSAssignRoleBulkAction, order=100)
hooks.register("register_bulk_action", admin_users.LMSSetActiveStateBulkAction, order=100)
