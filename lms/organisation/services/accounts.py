"""Accounts: password resets and invitations sent from the admin or on import (a link for the
account holder, never a password), and ending a leaver's sessions."""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from lms.audit import audit_record
from lms.models import OrganisationSettings
from lms.organisation.selectors import employee_for
from lms.organisation.tokens import invitation_token_generator, reset_token_generator

logger = logging.getLogger(__name__)

#: The django-q2 task that sends the invitations of an import (lms/organisation/tasks.py).
INVITATIONS_TASK = "lms.organisation.tasks.invitations_send"


class PasswordResetRefused(Exception):
    """The account cannot be sent a password reset link; the message says why."""

    inactive = _("This account is inactive: activate it before sending a password reset.")
    no_email = _(
        "This account has no valid email address: add one before sending a password reset."
    )


class InvitationRefused(PasswordResetRefused):
    """The account cannot be sent an invitation; the message says why."""

    inactive = _("This account is inactive: activate it before sending an invitation.")
    no_email = _("This account has no valid email address: add one before sending an invitation.")


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


def _link_send(*, user, sent_by, action: str, templates: str, token_generator, refused) -> None:
    """Email ``user`` a one-time link (``templates``: registration/<templates>_*), in their
    language, and record ``action`` in the audit log."""
    if not user.is_active:
        raise refused(str(refused.inactive))
    form = _AccountPasswordResetForm(user)
    if not user.email or not form.is_valid():
        raise refused(str(refused.no_email))
    employee = employee_for(user=user)
    language = employee.preferred_language if employee else settings.LANGUAGE_CODE
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    with transaction.atomic():
        audit_record(instance=user, action=action, user=sent_by, data={"to": user.email})
    with translation.override(language):
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            subject_template_name=f"registration/{templates}_subject.txt",
            email_template_name=f"registration/{templates}_email.txt",
            html_email_template_name=f"registration/{templates}_email.html",
            token_generator=token_generator,
            extra_email_context={
                "language": language,
                "office_name": OrganisationSettings.load().office_name,
                "valid_days": settings.INVITATION_VALID_DAYS,
            },
        )


def account_password_reset_send(*, user, sent_by) -> None:
    """Email ``user`` a link to choose their password, in their language; audit who sent it.

    Whoever sends it never sets, sees or receives the password (separation of duties: see
    docs/roles.md). The link is a one-time token, valid for PASSWORD_RESET_TIMEOUT.
    """
    _link_send(
        user=user,
        sent_by=sent_by,
        action="lms.account.password_reset",
        templates="password_set",
        token_generator=reset_token_generator,
        refused=PasswordResetRefused,
    )


def account_invitation_send(*, user, sent_by) -> None:
    """Email ``user`` an invitation to the LMS with a link to set their password (valid
    INVITATION_VALID_DAYS days), in their language; audit who sent it (docs/accounts.md)."""
    _link_send(
        user=user,
        sent_by=sent_by,
        action="lms.account.invitation",
        templates="invitation",
        token_generator=invitation_token_generator,
        refused=InvitationRefused,
    )


def invitations_send_later(*, user_ids: list[int], sent_by_id: int | None) -> None:
    """Queue the invitations of ``user_ids`` for after the current transaction commits."""
    ids = sorted(user_ids)
    if ids:
        transaction.on_commit(lambda: async_task(INVITATIONS_TASK, ids, sent_by_id))


def invitations_send(*, user_ids: list[int], sent_by=None) -> int:
    """Send an invitation to each account of ``user_ids`` that is active, has an email and no
    usable password yet (people who already chose one are not invited again); return how many
    were sent. One account's failure does not stop the others."""
    sent = 0
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    for user in users.order_by("pk").iterator():
        if user.has_usable_password():
            continue
        try:
            account_invitation_send(user=user, sent_by=sent_by)
        except InvitationRefused:
            continue
        except Exception:
            logger.exception("Failed to send the invitation of user %s", user.pk)
            continue
        sent += 1
    return sent


def sessions_end(*, user_ids) -> int:
    """End every session of the accounts ``user_ids`` (leavers); return how many ended.

    With the database session backend (the default) the sessions are found and deleted. With
    another backend they cannot be listed; they end anyway on their next request, as the
    accounts are inactive (Django signs inactive accounts out)."""
    ids = {str(pk) for pk in user_ids}
    if not ids:
        return 0
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    if not issubclass(store, DatabaseSessionStore):
        return 0
    model = store.get_model_class()
    doomed = []
    sessions = model.objects.filter(expire_date__gt=timezone.now())
    for key, data in sessions.values_list("session_key", "session_data").iterator():
        if str(store().decode(data).get("_auth_user_id")) in ids:
            doomed.append(key)
    for start in range(0, len(doomed), 900):
        model.objects.filter(session_key__in=doomed[start : start + 900]).delete()
    return len(doomed)
