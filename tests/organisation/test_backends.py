"""The signed-in user is loaded with their employee record, in one query."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from lms.organisation.backends import EmployeeModelBackend
from lms.organisation.models import Employee
from tests.factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_the_employee_record(django_assert_num_queries):
    employee = EmployeeFactory()
    with django_assert_num_queries(1):
        user = EmployeeModelBackend().get_user(employee.user.pk)
        assert user.employee.pk == employee.pk
        assert user.employee.user is user


def test_an_account_without_employee_record_still_has_none(django_assert_num_queries):
    account = UserFactory()
    with django_assert_num_queries(1):
        user = EmployeeModelBackend().get_user(account.pk)
        with pytest.raises(Employee.DoesNotExist):
            assert user.employee is None


def test_unknown_and_inactive_users_are_not_signed_in():
    backend = EmployeeModelBackend()
    assert backend.get_user(987654) is None
    inactive = UserFactory()
    get_user_model().objects.filter(pk=inactive.pk).update(is_active=False)
    assert backend.get_user(inactive.pk) is None


def test_a_signed_in_learner_is_served_through_it(client, employee):
    client.force_login(employee.user)
    response = client.get(reverse("courses:my_training"))
    assert response.status_code == 200
    assert response.wsgi_request.user.employee == employee
