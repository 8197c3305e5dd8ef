"""Forms of the account pages that Django's own views show."""

import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from lms.organisation.emails import TextEmail, subject_render
from lms.organisation.selectors import password_login_allowed

logger = logging.getLogger("django.contrib.auth")


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's, with the email written as text: the subject rendered without HTML escaping,
    on one line, in a header that reads back as that line; and sent also to active employees
    whose account has no usable password yet (those the HR roster import created), which
    Django's skips. The page says the same whether or not an account was found."""

    def get_users(self, email):
        users = get_user_model()._default_manager.filter(email__iexact=email, is_active=True)
        for user in users.select_related("employee"):
            if not auth_forms._unicode_ci_compare(email, user.email):
                continue
            if user.has_usable_password():
                yield user
            elif getattr(getattr(user, "employee", None), "is_active", False):
                yield user

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        message = TextEmail(
            subject_render(subject_template_name, context),
            render_to_string(email_template_name, context),
            from_email,
            [to_email],
        )
        if html_email_template_name is not None:
            message.attach_alternative(
                render_to_string(html_email_template_name, context), "text/html"
            )
        try:
            message.send()
        except Exception:  # as Django's: the page must not tell whether the address exists
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


# --- Single sign-on (issue 17) --------------------------------------------------------------


class LocalPasswordOnlyMixin:
    """While single sign-on is on, only accounts marked local sign in with a password."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not password_login_allowed(user=user):
            raise forms.ValidationError(
                _(
                    "This account signs in with its City account, not with a password. "
                    "Choose “Sign in with City account”."
                ),
                code="city_account_only",
            )


class LoginForm(LocalPasswordOnlyMixin, auth_forms.AuthenticationForm):
    """The site's login form."""


class AdminLoginForm(LocalPasswordOnlyMixin, WagtailLoginForm):
    """Wagtail's admin login form (WAGTAILADMIN_USER_LOGIN_FORM)."""


class SecondFactorForm(forms.Form):
    """The six digits of an authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; a new code appears every 30 seconds."),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the six digits your app shows."))
        return code
