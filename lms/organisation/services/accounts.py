"""Password resets sent from the admin: a link for the account holder, never a password."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lms.audit import audit_record
from lms.models import OrganisationSettings
from lms.organisation.selectors import employee_for


class PasswordResetRefused(Exception):
    """The account cannot be sent a password reset link; the message says why."""


class _AccountPasswordResetForm(PasswordResetForm):
    """Django's reset email for one given account, even one that has no usable password yet.

    (Django's own form skips accounts without a usable password: those OEI creates have none
    until their holder follows this link.)
    """

    def __init__(self, account):
        super().__init__({"email": account.email})
        self.account = account

    def get_users(self, email):
        return [self.account]


def account_password_reset_send(*, user, sent_by) -> None:
    """Email ``user`` a link to choose their password, in their language; audit who sent it.

    Whoever sends it never sets, sees or receives the password (separation of duties: see
    docs/roles.md). The link is Django's one-time token, valid for PASSWORD_RESET_TIMEOUT.
    """
    if not user.is_active:
        raise PasswordResetRefused(
            _("This account is inactive: activate it before sending a password reset.")
        )
    form = _AccountPasswordResetForm(user)
    if not user.email or not form.is_valid():
        raise PasswordResetRefused(
            _("This account has no valid email address: add one before sending a password reset.")
        )
    employee = employee_for(user=user)
    language = employee.preferred_language if employee else settings.LANGUAGE_CODE
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    with transaction.atomic():
        audit_record(
            instance=user,
            action="lms.account.password_reset",
            user=sent_by,
            data={"to": user.email},
        )
    with translation.override(language):
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            subject_template_name="registration/password_set_subject.txt",
            email_template_name="registration/password_set_email.txt",
            html_email_template_name="registration/password_set_email.html",
            extra_email_context={
                "language": language,
                "office_name": OrganisationSettings.load().office_name,
            },
        )
