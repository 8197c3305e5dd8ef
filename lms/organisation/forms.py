from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from lms.organisation import access
from lms.organisation.services import employees


class EmployeeAdminForm(WagtailAdminModelForm):
    """OEI adds an employee and their login in one step; the name and email live on the user."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Work email"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.instance, "user", None) if self.instance.pk else None
        if user is not None:
            self.initial.update(
                first_name=user.first_name, last_name=user.last_name, email=user.email
            )
            if self.for_user is not None and not access.user_can_manage_account(
                self.for_user, user
            ):
                # A staff member's or superuser's login is a superuser's to change: changing
                # its email would let one redirect its password reset (docs/roles.md).
                for name in ("first_name", "last_name", "email", "is_active"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _(
                        "This person has a staff account: only a superuser changes its name, "
                        "email or active state."
                    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        others = get_user_model().objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.user_id)
        if others.exists():
            raise forms.ValidationError(_("Another account already uses this email address."))
        return email

    def save(self, commit=True):
        employee = super().save(commit=False)
        return employees.employee_save(
            employee=employee,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            email=self.cleaned_data["email"],
        )
