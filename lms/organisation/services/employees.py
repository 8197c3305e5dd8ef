"""Writes to employees: saving one with their login, the liaison role of designated users."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from lms.organisation import roles
from lms.organisation.events import employees_changed_send
from lms.organisation.models import Department, Employee, Liaison


def rosters_changed(*, department_ids: Iterable[int | None], now: datetime | None = None) -> None:
    """Stamp the departments someone joined, left or moved in or out of: a roster confirmed
    before this no longer holds (compliance compares the two dates)."""
    ids = {pk for pk in department_ids if pk is not None}
    if ids:
        Department.objects.filter(pk__in=ids).update(roster_changed_at=now or timezone.now())


@transaction.atomic
def employee_save(*, employee: Employee, first_name: str, last_name: str, email: str) -> Employee:
    """Save an employee with their login; a new employee gets a user with no usable password.

    New staff set their password through "Forgot your password?", so nobody ever types or
    emails someone else's password. Their assignments follow at once: a joiner gets the
    training their audience requires, a transfer or a leaver loses what no longer applies.
    """
    User = get_user_model()
    before = (
        Employee.objects.filter(pk=employee.pk).values("department_id", "is_active").first()
        if employee.pk is not None
        else None
    )
    if employee.user_id is None:
        user = User(username=employee.employee_number.lower())
        user.set_unusable_password()
    else:
        user = employee.user
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_active = employee.is_active
    user.full_clean(exclude=["password"])
    user.save()
    if employee.user_id is None:
        user.groups.add(Group.objects.get(name=roles.EMPLOYEE))
    employee.user = user
    employee.full_clean()
    employee.save()
    if before is None:
        if employee.is_active:
            rosters_changed(department_ids=[employee.department_id])
    elif (before["department_id"], before["is_active"]) != (
        employee.department_id,
        employee.is_active,
    ):
        rosters_changed(department_ids=[before["department_id"], employee.department_id])
    employees_changed_send(employee_ids=[employee.pk])
    return employee


@transaction.atomic
def liaison_roles_sync() -> None:
    """Give the Department liaison role to exactly the users designated on a department."""
    group = Group.objects.get(name=roles.LIAISON)
    designated = set(Liaison.objects.values_list("user_id", flat=True).distinct())
    current = set(group.user_set.values_list("pk", flat=True))
    if designated - current:
        group.user_set.add(*(designated - current))
    if current - designated:
        group.user_set.remove(*(current - designated))
