"""Who may see whom, the base layer's selectors (lms/organisation/selectors.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from lms.organisation import selectors
from tests.factories import DepartmentFactory, EmployeeFactory, LiaisonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_employee_for_is_the_profile_of_a_signed_in_user_only():
    employee = EmployeeFactory()
    assert selectors.employee_for(user=employee.user) == employee
    assert selectors.employee_for(user=UserFactory()) is None
    assert selectors.employee_for(user=AnonymousUser()) is None


def test_a_liaison_sees_their_departments_and_their_people_only():
    mine, other = DepartmentFactory(), DepartmentFactory()
    liaison = LiaisonFactory(department=mine)
    colleague = EmployeeFactory(department=mine)
    stranger = EmployeeFactory(department=other)
    user = liaison.user

    assert not selectors.can_see_citywide(user)
    assert list(selectors.departments_for(user=user)) == [mine]
    seen = set(selectors.employees_for(user=user))
    assert colleague in seen
    assert stranger not in seen
    assert set(selectors.employees_of(departments=[other])) == {stranger}


def test_nobody_signed_in_sees_nobody():
    DepartmentFactory()
    assert not selectors.can_see_citywide(AnonymousUser())
    assert not selectors.departments_for(user=AnonymousUser()).exists()
    assert not selectors.employees_for(user=AnonymousUser()).exists()
