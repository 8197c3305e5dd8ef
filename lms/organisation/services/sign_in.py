"""Single sign-on writes: which accounts keep a local password, and linking a City account."""

from django.db import transaction
from django.utils import timezone

from lms.audit import audit_record
from lms.organisation.models import AccountSignIn


class LinkRefused(Exception):
    """The City account cannot be linked to this login (it belongs to someone else)."""


def account_local_password_set(*, user, local: bool, changed_by) -> None:
    """Mark ``user`` as local (may sign in with a password while SSO is on) or not; audited.

    Who may call it is the caller's check (the users admin: OEI for employee and liaison
    accounts, superusers for all, see docs/roles.md).
    """
    with transaction.atomic():
        sign_in, _ = AccountSignIn.objects.select_for_update().get_or_create(user=user)
        if sign_in.local_password == local:
            return
        sign_in.local_password = local
        sign_in.save(update_fields=["local_password"])
        audit_record(
            instance=user,
            action="lms.account.local_password",
            user=changed_by,
            data={"local": local},
        )


def account_city_link(*, user, subject: str) -> AccountSignIn:
    """Link ``user`` to the City account ``subject`` on its first sign-in; afterwards check it.

    Refused (``LinkRefused``) when the login is linked to another City account, or the City
    account to another login: a link is never moved.
    """
    with transaction.atomic():
        sign_in, _ = AccountSignIn.objects.select_for_update().get_or_create(user=user)
        if sign_in.oidc_subject == subject:
            return sign_in
        if sign_in.oidc_subject is not None:
            raise LinkRefused("this login is linked to another City account")
        if AccountSignIn.objects.filter(oidc_subject=subject).exclude(pk=sign_in.pk).exists():
            raise LinkRefused("this City account is linked to another login")
        sign_in.oidc_subject = subject
        sign_in.linked_at = timezone.now()
        sign_in.save(update_fields=["oidc_subject", "linked_at"])
        audit_record(instance=user, action="lms.account.sso_link", user=user, data={})
        return sign_in
