"""OEI states requirements in the Wagtail admin, and saving one assigns it at once."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.services import assignments_sync
from lms.organisation import roles
from lms.organisation.models import Employee
from lms.organisation.services.employees import employee_save
from tests.factories import (
    EmployeeFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

#: What OEI needs to manage requirements (the OEI administrator role carries them).
OEI_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("compliance", "add_trainingrequirement"),
    ("compliance", "change_trainingrequirement"),
    ("compliance", "view_trainingrequirement"),
]


@pytest.fixture
def oei_client(client):
    user = UserFactory()
    user.user_permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in OEI_PERMISSIONS
        ]
    )
    client.force_login(user)
    return client


def form_data(course, **changes) -> dict:
    data = {
        "name": "Youth-serving departments: trauma-informed protocols",
        "course": course.pk,
        "audience": "departments",
        "departments": [],
        "job_titles": "",
        "due_days": "45",
        "due_basis": "assignment",
        "recertify_months": "12",
        "window_days": "30",
        "active_from": "2025-07-21",
        "is_active": "on",
    }
    data.update(changes)
    return data


def active_people(requirement) -> set[int]:
    return set(
        Assignment.objects.filter(requirement=requirement, is_active=True).values_list(
            "employee_id", flat=True
        )
    )


def test_creating_a_requirement_assigns_its_audience_at_once(oei_client, course, parks, transit):
    ranger, lifeguard = EmployeeFactory(department=parks), EmployeeFactory(department=parks)
    driver = EmployeeFactory(department=transit)
    EmployeeFactory(department=parks, is_active=False)  # a leaver

    response = oei_client.post(
        reverse("wagtailsnippets_compliance_trainingrequirement:add"),
        form_data(course, departments=[parks.pk]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    requirement = TrainingRequirement.objects.get()
    assert list(requirement.departments.all()) == [parks]
    assert active_people(requirement) == {ranger.pk, lifeguard.pk}
    assert driver.pk not in active_people(requirement)
    assignment = Assignment.objects.get(requirement=requirement, employee=ranger)
    assert assignment.assigned_on == timezone.localdate()
    assert (assignment.due_on - assignment.assigned_on).days == 45


def test_editing_the_departments_resyncs_and_deactivates_who_left(
    oei_client, course, parks, transit
):
    ranger = EmployeeFactory(department=parks)
    driver = EmployeeFactory(department=transit)
    requirement = TrainingRequirementFactory(
        course=course, name="Youth-serving departments", audience="departments"
    )
    requirement.departments.set([parks])
    requirement.save()
    assignments_sync()
    assert active_people(requirement) == {ranger.pk}

    response = oei_client.post(
        reverse("wagtailsnippets_compliance_trainingrequirement:edit", args=[requirement.pk]),
        form_data(course, name="Youth-serving departments", departments=[transit.pk]),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert active_people(requirement) == {driver.pk}
    # Kept, deactivated: the record of what the ranger was once assigned stays.
    assert Assignment.objects.get(requirement=requirement, employee=ranger).is_active is False


def test_deactivating_a_requirement_in_the_admin_deactivates_its_assignments(oei_client, course):
    employee = EmployeeFactory()
    requirement = TrainingRequirementFactory(course=course, name="All staff")
    assignments_sync()
    assert active_people(requirement) == {employee.pk}

    response = oei_client.post(
        reverse("wagtailsnippets_compliance_trainingrequirement:edit", args=[requirement.pk]),
        form_data(course, name="All staff", audience="all", is_active=""),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert active_people(requirement) == set()


def test_the_listing_shows_filters_and_searches_by_name(oei_client, course, parks):
    TrainingRequirementFactory(course=course, name="All staff: commitments")
    TrainingRequirementFactory(course=course, name="Front-line staff: federal agents")
    youth = TrainingRequirementFactory(
        course=course, name="Youth-serving departments", audience="departments"
    )
    youth.departments.set([parks])
    youth.save()
    url = reverse("wagtailsnippets_compliance_trainingrequirement:list")

    everything = oei_client.get(url)
    searched = oei_client.get(url, {"q": "front-line"})
    filtered = oei_client.get(url, {"is_active": "false"})
    by_department = oei_client.get(url, {"departments": parks.pk})

    assert everything.status_code == 200
    page = everything.content.decode()
    assert "All staff: commitments" in page and "Front-line staff: federal agents" in page
    assert course.title in page
    assert "Front-line staff: federal agents" in searched.content.decode()
    assert "All staff: commitments" not in searched.content.decode()
    assert filtered.status_code == 200
    assert "All staff: commitments" not in filtered.content.decode()
    assert by_department.status_code == 200
    assert "Youth-serving departments" in by_department.content.decode()
    assert "All staff: commitments" not in by_department.content.decode()


def test_the_oei_role_may_manage_requirements(client, course):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))

    response = client.get(reverse("wagtailsnippets_compliance_trainingrequirement:add"))
    home = client.get(reverse("wagtailadmin_home")).content.decode()

    assert response.status_code == 200
    assert "Training requirements" in home
    assert reverse("wagtailsnippets_compliance_trainingrequirement:list") in home


@pytest.mark.parametrize("role", [roles.CONTENT_EDITOR, roles.LIAISON])
def test_other_roles_cannot_add_requirements(client, course, role):
    client.force_login(UserFactory(roles=[role]))

    response = client.post(
        reverse("wagtailsnippets_compliance_trainingrequirement:add"), form_data(course)
    )

    assert response.status_code in (302, 403)
    assert not TrainingRequirement.objects.exists()


# --- Joiners, transfers and leavers saved in the admin ------------------------------------------


def test_a_joiner_saved_through_the_service_is_assigned_at_once(course, parks):
    requirement = TrainingRequirementFactory(course=course, audience="departments")
    requirement.departments.set([parks])
    requirement.save()
    joiner = Employee(
        employee_number="E77010",
        department=parks,
        job_title="Lifeguard",
        hire_date=timezone.localdate(),
    )

    employee_save(employee=joiner, first_name="Rosa", last_name="Chávez", email="rc@cabq.example")

    assert active_people(requirement) == {joiner.pk}


def test_a_leaver_saved_through_the_service_loses_their_assignments(course):
    requirement = TrainingRequirementFactory(course=course)
    stayer, leaver = EmployeeFactory(), EmployeeFactory()
    assignments_sync()

    leaver.is_active = False
    employee_save(employee=leaver, first_name="A", last_name="B", email="leaver@cabq.example")

    assert active_people(requirement) == {stayer.pk}


def test_a_transfer_edited_in_the_admin_moves_the_assignments(client, course, parks, transit):
    client.force_login(UserFactory(roles=[roles.OEI_ADMIN]))
    youth = TrainingRequirementFactory(course=course, audience="departments")
    youth.departments.set([parks])
    youth.save()
    everyone = TrainingRequirementFactory(course=course)
    mover = EmployeeFactory(department=parks, job_title="Lifeguard")
    assignments_sync()
    assert active_people(youth) == {mover.pk}

    response = client.post(
        reverse("wagtailsnippets_organisation_employee:edit", args=[mover.pk]),
        {
            "employee_number": mover.employee_number,
            "first_name": mover.user.first_name,
            "last_name": mover.user.last_name,
            "email": mover.user.email,
            "department": transit.pk,
            "job_title": "Motor Coach Operator",
            "hire_date": "2020-01-06",
            "is_active": "on",
            "preferred_language": "en",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert active_people(youth) == set()
    assert active_people(everyone) == {mover.pk}
