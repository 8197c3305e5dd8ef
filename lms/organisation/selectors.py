"""Who may see whom: the reads every app scopes people's data with (the base layer).

A liaison sees only the departments they are designated for, an employee only themselves, and
OEI (with the citywide permission) everything. Compliance, courses, certificates, reminders and
reports all ask here, so the rule has one home.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from lms.organisation import sso
from lms.organisation.models import (
    AccountSignIn,
    Department,
    Employee,
    RosterFeedFile,
    RosterFeedSettings,
)


def employee_for(*, user: AbstractBaseUser | AnonymousUser) -> Employee | None:
    """The employee profile of a signed-in user, or None (visitors, admin-only accounts)."""
    if not user.is_authenticated:
        return None
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


def can_see_citywide(user) -> bool:
    """Whether the user sees every department (OEI, superusers)."""
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("organisation.view_citywide_reports")
    )


def departments_for(*, user) -> QuerySet[Department]:
    """The departments whose people the user may see."""
    if can_see_citywide(user):
        return Department.objects.filter(is_active=True)
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(is_active=True, liaisons__user=user).distinct()


def employees_for(*, user) -> QuerySet[Employee]:
    """Employees the user may see: OEI all, a liaison their departments, else themselves."""
    if can_see_citywide(user):
        return Employee.objects.all()
    if not user.is_authenticated:
        return Employee.objects.none()
    return Employee.objects.filter(Q(user=user) | Q(department__in=departments_for(user=user)))


def employees_of(*, departments) -> QuerySet[Employee]:
    """The employees of the given departments (a queryset or a list of departments)."""
    return Employee.objects.filter(department__in=departments)


# --- Single sign-on (issue 17) --------------------------------------------------------------


def employees_matching_claim(*, kind: str, value: str) -> QuerySet[Employee]:
    """The employees a City account's claim names, ignoring case: by employee number, or by
    the email address of their login (``kind`` is OIDC_MATCH_KIND)."""
    employees = Employee.objects.select_related("user")
    if kind == "email":
        return employees.filter(user__email__iexact=value)
    return employees.filter(employee_number__iexact=value)


def account_sign_in_for(*, user) -> AccountSignIn | None:
    """How ``user`` signs in (None: never marked local nor linked)."""
    try:
        return user.sign_in
    except AccountSignIn.DoesNotExist:
        return None


def account_for_subject(*, subject: str) -> AccountSignIn | None:
    """The account a City account's ``sub`` is linked to, if any."""
    return AccountSignIn.objects.select_related("user").filter(oidc_subject=subject).first()


def password_login_allowed(*, user) -> bool:
    """Whether ``user`` may sign in with a local password: always while single sign-on is off,
    else only when their account is marked local."""
    if not sso.sso_enabled():
        return True
    sign_in = account_sign_in_for(user=user)
    return bool(sign_in and sign_in.local_password)


def roster_feed_files() -> QuerySet[RosterFeedFile]:
    """The files the HR feed read, newest first (OEI only: the views check the permission)."""
    return RosterFeedFile.objects.all()


def roster_feed_directory() -> str:
    """The folder the HR feed reads: OEI's setting, else the server's default."""
    return RosterFeedSettings.load().feed_directory()


# --- Supervisors' "My team" (issue 19) ---------------------------------------------------------


def _chain_sql() -> str:
    """Everyone below one supervisor, at any depth, as one recursive query (SQLite and
    PostgreSQL alike). ``UNION`` (not ``UNION ALL``) drops the rows already found, so a cycle
    in the roster's data ends the recursion instead of looping."""
    meta = Employee._meta
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)
    supervisor = connection.ops.quote_name(meta.get_field("supervisor").column)
    return (
        f"WITH RECURSIVE chain(id) AS ("  # noqa: S608 - names from the model
        f"SELECT {pk} FROM {table} WHERE {supervisor} = %s "
        f"UNION SELECT e.{pk} FROM {table} e JOIN chain ON e.{supervisor} = chain.id"
        f") SELECT id FROM chain"
    )


def team_of(*, supervisor: Employee, everyone: bool = False) -> QuerySet[Employee]:
    """The active employees a supervisor supervises: their direct reports, or with
    ``everyone`` all those below them (reports of reports, at any depth, in one query). Never
    the supervisor themselves, even when the roster's data loops back to them."""
    if everyone:
        # Names from the model, the id a parameter.
        chain = RawSQL(_chain_sql(), [supervisor.pk])  # noqa: S611
        below = Employee.objects.filter(pk__in=chain)
    else:
        below = Employee.objects.filter(supervisor=supervisor)
    return below.filter(is_active=True).exclude(pk=supervisor.pk)


def team_for(*, user, everyone: bool = False) -> QuerySet[Employee]:
    """The team of the signed-in user as :func:`team_of` (none for someone who supervises no
    one, or is no employee): a supervisor sees nobody outside their chain."""
    employee = employee_for(user=user)
    if employee is None or not employee.is_active:
        return Employee.objects.none()
    return team_of(supervisor=employee, everyone=everyone)


#: The annotation :func:`supervises_annotation` puts on a user.
SUPERVISES = "supervises_someone"


def is_supervisor(*, user) -> bool:
    """Whether the user, an active employee, has at least one active direct report. The
    navigation asks on every page: a user signed in through the session was loaded with the
    answer (``supervises_someone``, see ``lms.organisation.backends``); any other costs a query."""
    if not user.is_authenticated:
        return False
    known = getattr(user, SUPERVISES, None)
    if known is not None:
        return known
    return Employee.objects.filter(
        supervisor__user=user, supervisor__is_active=True, is_active=True
    ).exists()


def supervises_annotation() -> dict[str, Exists]:
    """Annotations of a user query telling :func:`is_supervisor`'s answer with the user's own
    row, as of the query."""
    return {
        SUPERVISES: Exists(
            Employee.objects.filter(
                supervisor__user=OuterRef("pk"), supervisor__is_active=True, is_active=True
            )
        )
    }
