"""The Wagtail users admin with separation of duties (see :mod:`lms.organisation.access`).

Wagtail's own user admin lets anyone holding ``auth.change_user`` tick "Administrator", set any
password and tick any group. Here, for everyone but superusers, the forms have no
"Administrator" and no password fields (a forged POST carrying them changes nothing), offer only
the delegable roles, and the edit, delete and password reset views refuse any account holding
more than those roles. The bulk actions ("Assign role", "Set active state") follow the same rules.
"""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users as wagtail_users
from wagtail.users.views.bulk_actions import AssignRoleBulkAction, SetActiveStateBulkAction

from lms.organisation import access, selectors
from lms.organisation.services import accounts, sign_in

User = get_user_model()


class SeparationOfDutiesFormMixin:
    """Shown to a non-superuser: no "Administrator", no password, only the delegable roles."""

    def __init__(self, *args, request_user=None, **kwargs):
        self.request_user = request_user
        super().__init__(*args, **kwargs)
        current = selectors.account_sign_in_for(user=self.instance) if self.instance.pk else None
        self.fields["local_password"] = forms.BooleanField(
            label=gettext_lazy("Local account"),
            required=False,
            initial=bool(current and current.local_password),
            help_text=gettext_lazy(
                "While single sign-on is on, only local accounts sign in with a password of "
                "this site (break-glass administrators, contractors); everyone else uses their "
                "City account."
            ),
        )
        if self.full_powers:
            self.kept_groups = []
            return
        self.fields.pop("is_superuser", None)
        grantable = access.groups_grantable(request_user)
        self.fields["groups"].queryset = grantable
        # Groups the form cannot show stay as they are (only a superuser changes them).
        self.kept_groups = (
            list(self.instance.groups.exclude(pk__in=grantable)) if self.instance.pk else []
        )

    @property
    def full_powers(self) -> bool:
        return self.request_user is not None and access.user_may_grant_staff(self.request_user)

    @property
    def password_enabled(self):
        return self.full_powers and super().password_enabled

    def save(self, commit=True):
        user = super().save(commit=False)
        if user.pk is None and not self.password_enabled:
            # They choose their own password through the reset link OEI sends them.
            user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user

    def _save_m2m(self):
        super()._save_m2m()
        if self.kept_groups:
            self.instance.groups.add(*self.kept_groups)
        # The views let only those who may manage this account save this form (docs/roles.md).
        sign_in.account_local_password_set(
            user=self.instance,
            local=self.cleaned_data.get("local_password", False),
            changed_by=self.request_user,
        )


class LMSUserCreationForm(SeparationOfDutiesFormMixin, UserCreationForm):
    pass


class LMSUserEditForm(SeparationOfDutiesFormMixin, UserEditForm):
    pass


def password_reset_url(user) -> str:
    return reverse("organisation_users:password_reset", args=[user.pk])


def invitation_url(user) -> str:
    return reverse("organisation_users:invitation", args=[user.pk])


class UserIndexView(wagtail_users.IndexView):
    def get_base_queryset(self):
        # Whether each row's account may be managed is decided from these, without a query.
        return super().get_base_queryset().prefetch_related("groups", "user_permissions")

    def get_edit_url(self, instance):
        if access.user_can_manage_account(self.request.user, instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if access.user_can_manage_account(self.request.user, instance):
            return super().get_delete_url(instance)
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if access.user_can_manage_account(self.request.user, instance):
            buttons.append(
                MenuItem(
                    _("Send password reset"),
                    url=password_reset_url(instance),
                    icon_name="key",
                    priority=25,
                )
            )
            buttons.append(
                MenuItem(
                    _("Send invitation"),
                    url=invitation_url(instance),
                    icon_name="mail",
                    priority=26,
                )
            )
        return buttons


class UserCreateView(wagtail_users.CreateView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request_user": self.request.user}


class UserEditView(wagtail_users.EditView):
    def dispatch(self, request, *args, **kwargs):
        if not access.user_can_manage_account(request.user, self.object):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request_user": self.request.user}

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.object.is_active and self.object.email:
            buttons.append(
                Button(
                    _("Send password reset"),
                    url=password_reset_url(self.object),
                    icon_name="key",
                    priority=15,
                )
            )
            buttons.append(
                Button(
                    _("Send invitation"),
                    url=invitation_url(self.object),
                    icon_name="mail",
                    priority=16,
                )
            )
        return buttons


class UserDeleteView(wagtail_users.DeleteView):
    def dispatch(self, request, *args, **kwargs):
        target = self.get_object()
        if not access.user_can_manage_account(request.user, target):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserViewSet(wagtail_users.UserViewSet):
    index_view_class = UserIndexView
    add_view_class = UserCreateView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView

    def get_form_class(self, for_update=False):
        return LMSUserEditForm if for_update else LMSUserCreationForm


# --- Bulk actions ---------------------------------------------------------------------------


class LMSAssignRoleBulkAction(AssignRoleBulkAction):
    """Assign only a role one may grant, and only to accounts one may manage."""

    def check_perm(self, obj):
        return super().check_perm(obj) and access.user_can_manage_account(self.request.user, obj)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["role"].queryset = access.groups_grantable(self.request.user)
        return form


class LMSSetActiveStateBulkAction(SetActiveStateBulkAction):
    """Activate or deactivate only accounts one may manage."""

    def check_perm(self, obj):
        return super().check_perm(obj) and access.user_can_manage_account(self.request.user, obj)


# --- Send a password reset ------------------------------------------------------------------


class UserPasswordResetView(WagtailAdminTemplateMixin, TemplateView):
    """Send Django's password reset link to a user: OEI never sets or sees a password."""

    template_name = "organisation/user_password_reset.html"
    page_title = gettext_lazy("Send password reset")
    header_icon = "key"

    def dispatch(self, request, *args, **kwargs):
        self.account = get_object_or_404(User, pk=kwargs["pk"])
        if not access.user_can_manage_account(request.user, self.account):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.account.get_full_name() or self.account.get_username()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "account": self.account,
            "can_send": self.account.is_active and bool(self.account.email),
            "users_url": reverse("wagtailusers_users:index"),
        }

    def post(self, request, *args, **kwargs):
        try:
            accounts.account_password_reset_send(user=self.account, sent_by=request.user)
        except accounts.PasswordResetRefused as refused:
            messages.error(request, str(refused))
            return redirect(password_reset_url(self.account))
        messages.success(
            request,
            _("A password reset link was sent to %(email)s.") % {"email": self.account.email},
        )
        return redirect("wagtailusers_users:index")


# --- Send an invitation ---------------------------------------------------------------------


class UserInvitationView(UserPasswordResetView):
    """Email an invitation with a link to set one's password (docs/accounts.md); audited."""

    template_name = "organisation/user_invitation.html"
    page_title = gettext_lazy("Send invitation")
    header_icon = "mail"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "valid_days": settings.INVITATION_VALID_DAYS,
        }

    def post(self, request, *args, **kwargs):
        try:
            accounts.account_invitation_send(user=self.account, sent_by=request.user)
        except accounts.InvitationRefused as refused:
            messages.error(request, str(refused))
            return redirect(invitation_url(self.account))
        messages.success(
            request,
            _("An invitation was sent to %(email)s.") % {"email": self.account.email},
        )
        return redirect("wagtailusers_users:index")
