import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission

from lms.organisation import roles
from lms.organisation.models import Employee
from tests.factories import DepartmentFactory, EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_migration_creates_every_role_with_its_permissions():
    for role, perms in roles.ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        granted = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(perms), role


def test_page_permissions_follow_the_roles():
    editor = Group.objects.get(name=roles.CONTENT_EDITOR)
    reviewer = Group.objects.get(name=roles.LEGAL_REVIEWER)
    assert set(
        GroupPagePermission.objects.filter(group=editor).values_list(
            "permission__codename", flat=True
        )
    ) == set(roles.ROLE_PAGE_PERMISSIONS[roles.CONTENT_EDITOR])
    assert "publish_page" in set(
        GroupPagePermission.objects.filter(group=reviewer).values_list(
            "permission__codename", flat=True
        )
    )
    assert not GroupPagePermission.objects.filter(group__name=roles.EMPLOYEE).exists()


def test_roles_sync_is_idempotent():
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    roles.roles_sync()
    roles.roles_sync()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before
    assert GroupPagePermission.objects.filter(group__name=roles.CONTENT_EDITOR).count() == len(
        roles.ROLE_PAGE_PERMISSIONS[roles.CONTENT_EDITOR]
    )


@pytest.mark.parametrize("role", roles.STAFF_ROLES)
def test_staff_roles_reach_the_wagtail_admin(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


@pytest.mark.parametrize("role", [roles.EMPLOYEE, roles.LIAISON])
def test_learners_and_liaisons_are_kept_out_of_the_admin(client, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_oei_creates_an_employee_with_a_login_in_the_admin(client):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    department = DepartmentFactory(code="PARKS")
    response = client.post(
        reverse("wagtailsnippets_organisation_employee:add"),
        {
            "employee_number": "E77001",
            "first_name": "Marisol",
            "last_name": "Baca",
            "email": "MBaca@cabq.example",
            "department": department.pk,
            "job_title": "Lifeguard",
            "hire_date": "2024-05-01",
            "is_active": "on",
            "preferred_language": "es",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    employee = Employee.objects.get(employee_number="E77001")
    assert employee.user.get_full_name() == "Marisol Baca"
    assert employee.user.email == "mbaca@cabq.example"
    assert not employee.user.has_usable_password()
    assert employee.user.groups.filter(name=roles.EMPLOYEE).exists()


def test_admin_rejects_an_email_already_in_use(client):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    existing = EmployeeFactory()
    response = client.post(
        reverse("wagtailsnippets_organisation_employee:add"),
        {
            "employee_number": "E77002",
            "first_name": "A",
            "last_name": "B",
            "email": existing.user.email,
            "department": existing.department.pk,
            "job_title": "Clerk",
            "hire_date": "2024-05-01",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 200
    assert not Employee.objects.filter(employee_number="E77002").exists()


def test_naming_a_liaison_on_a_department_gives_the_liaison_role(client):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    department = DepartmentFactory(code="TRANSIT", name="Transit")
    liaison = EmployeeFactory(department=department).user
    url = reverse("wagtailsnippets_organisation_department:edit", args=[department.pk])
    response = client.post(
        url,
        {
            "name": "Transit",
            "code": "TRANSIT",
            "is_active": "on",
            "liaisons-TOTAL_FORMS": "1",
            "liaisons-INITIAL_FORMS": "0",
            "liaisons-MIN_NUM_FORMS": "0",
            "liaisons-MAX_NUM_FORMS": "1000",
            "liaisons-0-user": liaison.pk,
            "liaisons-0-designated_on": "2025-08-01",
            "liaisons-0-id": "",
            "liaisons-0-ORDER": "1",
            "liaisons-0-DELETE": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert department.liaisons.get().user == liaison
    assert liaison.groups.filter(name=roles.LIAISON).exists()


def test_an_employee_cannot_open_the_organisation_admin(client):
    client.force_login(UserFactory(roles=[roles.CONTENT_EDITOR]))
    response = client.get(reverse("wagtailsnippets_organisation_employee:list"))
    assert response.status_code in (302, 403)


def test_content_editor_writes_a_lesson_in_the_admin(client, course):
    client.force_login(UserFactory(roles=[roles.CONTENT_EDITOR]))
    url = reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Calling the City Attorney's Office",
            "slug": "calling-the-city-attorneys-office",
            "summary": "",
            "body-count": "1",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-type": "heading",
            "body-0-id": "",
            "body-0-value-text": "Who to call",
            "body-0-value-level": "h2",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert course.get_children().filter(title="Calling the City Attorney's Office").exists()
