"""Separation of duties: whose account a user may manage and which roles they may grant.

Only superusers make superusers, grant the staff roles (``roles.STAFF_ROLES``) or set someone
else's password. Whoever else may change users (the OEI administrator) manages the accounts of
employees and liaisons only: the roles it may grant are :data:`DELEGABLE_ROLES`, and an account
holding anything more (a staff role, any other group, a direct permission, ``is_staff`` or
``is_superuser``) is out of its reach, its own account included. docs/roles.md has the matrix.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q

from lms.organisation import roles

#: The roles a non-superuser who may change users can grant (and the only ones they can manage).
DELEGABLE_ROLES = (roles.EMPLOYEE, roles.LIAISON)

#: The permission that lets a non-superuser manage accounts at all.
CHANGE_USER = "auth.change_user"


def user_may_grant_staff(actor) -> bool:
    """Superusers only: make superusers, grant staff roles, set passwords."""
    return bool(actor is not None and actor.is_active and actor.is_superuser)


def groups_grantable(actor):
    """The groups ``actor`` may give or take away."""
    if user_may_grant_staff(actor):
        return Group.objects.all()
    if actor is None or not actor.is_active:
        return Group.objects.none()
    if actor.has_perm(CHANGE_USER) or actor.has_perm("auth.add_user"):
        return Group.objects.filter(name__in=DELEGABLE_ROLES)
    return Group.objects.none()


def account_is_privileged(user) -> bool:
    """Whether ``user`` holds more than the delegable roles (so only a superuser manages it)."""
    if user.pk is None:
        return False
    if user.is_superuser or user.is_staff:
        return True
    # .all(), not .exists(): the users list prefetches both, so its rows cost no query.
    if user.user_permissions.all():
        return True
    return any(group.name not in DELEGABLE_ROLES for group in user.groups.all())


def user_can_manage_account(actor, target) -> bool:
    """Whether ``actor`` may edit ``target``'s account, deactivate it or send it a reset link."""
    if user_may_grant_staff(actor):
        return True
    if not (actor.is_active and actor.has_perm(CHANGE_USER)):
        return False
    return not account_is_privileged(target)


def accounts_privileged(user_ids) -> set[int]:
    """Which of ``user_ids`` are privileged accounts (as :func:`account_is_privileged`), in one
    query per 900 ids."""
    ids = list(user_ids)
    found: set[int] = set()
    others = Group.objects.exclude(name__in=DELEGABLE_ROLES)
    for start in range(0, len(ids), 900):
        found.update(
            get_user_model()
            .objects.filter(pk__in=ids[start : start + 900])
            .filter(
                Q(is_superuser=True)
                | Q(is_staff=True)
                | Q(user_permissions__isnull=False)
                | Q(groups__in=others)
            )
            .values_list("pk", flat=True)
            .distinct()
        )
    return found
