"""The signed-in user is loaded with their employee record and whether they supervise someone,
in one query; their permissions in one more."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.organisation import roles
from lms.organisation.backends import EmployeeModelBackend
from lms.organisation.models import Employee
from lms.organisation.selectors import is_supervisor
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


# --- The navigation's questions, answered with the user (issue 21: fewer queries per page) -----


def test_the_user_comes_knowing_whether_they_supervise_someone(django_assert_num_queries):
    boss, report, nobody = EmployeeFactory(), EmployeeFactory(), EmployeeFactory()
    Employee.objects.filter(pk=report.pk).update(supervisor=boss)
    backend = EmployeeModelBackend()
    with django_assert_num_queries(2):
        assert is_supervisor(user=backend.get_user(boss.user.pk)) is True
        assert is_supervisor(user=backend.get_user(nobody.user.pk)) is False
    # A report who left does not count, as the query without the annotation says.
    Employee.objects.filter(pk=report.pk).update(is_active=False)
    with django_assert_num_queries(1):
        assert is_supervisor(user=backend.get_user(boss.user.pk)) is False
    assert is_supervisor(user=boss.user) is False  # loaded elsewhere: asks the database


@pytest.mark.parametrize("kind", ["own", "group", "both", "none", "superuser"])
def test_permissions_in_one_query_are_django_s(kind, django_assert_num_queries):
    user = UserFactory(roles=[])
    liaison = Group.objects.get(name=roles.LIAISON)
    citywide = Permission.objects.get(codename="view_citywide_reports")
    if kind in ("own", "both"):
        user.user_permissions.add(citywide)
    if kind in ("group", "both"):
        user.groups.add(liaison)
    if kind == "superuser":
        get_user_model().objects.filter(pk=user.pk).update(is_superuser=True)
    expected = ModelBackend().get_all_permissions(get_user_model().objects.get(pk=user.pk))
    loaded = EmployeeModelBackend().get_user(user.pk)
    with django_assert_num_queries(1):
        assert EmployeeModelBackend().get_all_permissions(loaded) == expected
        # Cached for the request, as Django does, for every permission check of the page.
        assert loaded.has_perm("organisation.view_citywide_reports") == (
            "organisation.view_citywide_reports" in expected
        )
        assert loaded.has_perm("organisation.view_department_compliance") == (
            "organisation.view_department_compliance" in expected
        )
    assert bool(expected) == (kind != "none")


def test_inactive_and_object_permissions_are_none():
    user = UserFactory(roles=[roles.LIAISON])
    backend = EmployeeModelBackend()
    assert backend.get_all_permissions(user, obj=user) == set()
    user.is_active = False
    assert backend.get_all_permissions(user) == set()


def test_a_page_asks_for_permissions_once(client, employee):
    """My training: the session, the user (with employee and "supervises"), the page's own
    reads and one permission query for the navigation."""
    client.force_login(employee.user)
    client.get(reverse("courses:my_training"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("courses:my_training")).status_code == 200
    permission_reads = [q for q in captured if '"auth_permission"' in q["sql"]]
    supervisor_reads = [q for q in captured if '"supervisor_id"' in q["sql"]]
    assert len(permission_reads) == 1
    assert len(supervisor_reads) == 1  # inside the user's query
    assert '"auth_user"' in supervisor_reads[0]["sql"]
