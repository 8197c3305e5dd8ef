"""generate_city: a city of realistic shape, the same per seed, never beside real people."""

import random
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from lms.organisation import synthetic
from lms.organisation.models import Department, Employee
from tests.factories import DepartmentFactory, EmployeeFactory, LiaisonFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def generate_city(**options) -> str:
    out = StringIO()
    call_command("generate_city", stdout=out, **options)
    return out.getvalue()


def synthetic_city() -> list[tuple]:
    """Everything about the synthetic people that a seed decides, in a comparable form."""
    return list(
        Employee.objects.filter(origin=Employee.Origin.SYNTHETIC)
        .order_by("employee_number")
        .values_list(
            "employee_number",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__email",
            "department__code",
            "department__name",
            "job_title",
            "hire_date",
            "preferred_language",
            "is_active",
        )
    )


def department_sizes() -> Counter:
    return Counter(
        Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).values_list(
            "department__code", flat=True
        )
    )


def test_generates_the_requested_number_of_people_and_departments():
    output = generate_city(employees=300, seed=7)

    employees = Employee.objects.filter(origin=Employee.Origin.SYNTHETIC)
    assert employees.count() == 300
    assert Employee.objects.exclude(origin=Employee.Origin.SYNTHETIC).count() == 0
    assert User.objects.filter(employee__in=employees).count() == 300
    assert User.objects.count() == 300
    assert Department.objects.count() == len(synthetic.CATALOGUE)
    assert len(department_sizes()) == len(synthetic.CATALOGUE), "a department was left empty"
    assert "31 departments, 300 employees" in output


def test_people_look_like_city_employees():
    generate_city(employees=300, seed=7)

    employees = Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).select_related("user")
    languages = Counter(employees.values_list("preferred_language", flat=True))
    assert set(languages) == {"en", "es"}
    assert 0.15 < languages["es"] / 300 < 0.35
    assert 0 < employees.filter(is_active=False).count() < 20
    assert len(set(employees.values_list("user__last_name", flat=True))) > 50
    assert len(set(employees.values_list("job_title", flat=True))) > 30
    for employee in employees:
        assert employee.user.email.endswith("@synthetic.cabq.example")
        assert employee.user.is_active == employee.is_active
        assert employee.employee_number.startswith("SYN-")
        assert employee.hire_date.year > employee.created_at.year - 31
        assert employee.hire_date <= employee.created_at.date()
    assert all(user.groups.filter(name="Employee").exists() for user in User.objects.all())


def test_no_synthetic_user_can_sign_in_with_a_password():
    generate_city(employees=300, seed=7)

    assert not any(user.has_usable_password() for user in User.objects.all())


def test_the_same_seed_makes_the_same_city():
    generate_city(employees=300, seed=7)
    first = synthetic_city()
    generate_city(employees=300, seed=7)
    again = synthetic_city()
    generate_city(employees=300, seed=8)
    other_seed = synthetic_city()

    assert len(first) == 300
    assert again == first
    assert other_seed != first
    assert [row[1] for row in other_seed] != [row[1] for row in first]  # other names


def test_department_sizes_are_heavy_tailed():
    generate_city(employees=300, seed=7)

    sizes = sorted(department_sizes().values(), reverse=True)
    assert sizes[0] >= 10 * sizes[-1]
    assert sum(sizes[:4]) > 0.4 * 300, "the biggest departments should hold much of the city"
    assert sum(1 for size in sizes if size < 300 / len(sizes)) > len(sizes) / 2, "many small"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_city_of_100k_has_a_department_of_about_2000(seed):
    # The plan alone (no database): the benchmarks need one department of ~2,000 people.
    plan = synthetic.city_plan(
        rng=random.Random(seed), employees=100_000, departments=31, taken=set()
    )

    sizes = [department.size for department in plan]
    assert sum(sizes) == 100_000
    assert max(sizes) > 10_000
    assert any(1_500 <= size <= 2_500 for size in sizes)
    assert min(sizes) < 300


def test_more_departments_than_the_catalogue_adds_divisions():
    generate_city(employees=300, seed=7, departments=40)

    assert Department.objects.count() == 40
    assert len(department_sizes()) == 40
    assert Department.objects.filter(code__contains="-").count() == 40 - len(synthetic.CATALOGUE)


def test_refuses_where_employees_from_the_hr_roster_exist():
    real = EmployeeFactory()
    assert real.origin == Employee.Origin.HR

    with pytest.raises(CommandError, match=r"HR roster.*--force"):
        generate_city(employees=300, seed=7)

    assert not Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).exists()
    assert Department.objects.count() == 1


def test_force_generates_beside_hr_employees_and_leaves_them_alone():
    real = EmployeeFactory()

    generate_city(employees=300, seed=7, force=True)
    generate_city(employees=200, seed=8, force=True)

    assert Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).count() == 200
    real.refresh_from_db()
    assert real.origin == Employee.Origin.HR
    assert real.user.has_usable_password()
    assert Department.objects.filter(pk=real.department_id).exists()


def test_running_again_replaces_the_city_instead_of_adding_to_it():
    demo = EmployeeFactory(origin=Employee.Origin.DEMO)
    generate_city(employees=300, seed=7)
    first_logins = set(User.objects.filter(employee__origin="synthetic").values_list("pk"))

    output = generate_city(employees=200, seed=7)

    assert Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).count() == 200
    assert User.objects.count() == 200 + 1
    assert Department.objects.count() == len(synthetic.CATALOGUE) + 1
    assert not User.objects.filter(pk__in=[pk for (pk,) in first_logins]).exists()
    assert Employee.objects.filter(pk=demo.pk, department_id=demo.department_id).exists()
    assert "replaced 300" in output


def test_existing_departments_keep_their_names_and_codes():
    demo = EmployeeFactory(
        origin=Employee.Origin.DEMO,
        department=DepartmentFactory(name="Albuquerque Police Department", code="APD"),
    )

    generate_city(employees=300, seed=7)
    generate_city(employees=300, seed=7)

    police = Department.objects.get(code="SYN-APD")
    assert police.name == "Albuquerque Police Department (synthetic)"
    assert police.employees.exists()
    assert demo.department.employees.get() == demo


def test_a_city_that_other_records_refer_to_is_not_replaced():
    generate_city(employees=300, seed=7)
    before = synthetic_city()
    employee = Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).first()
    LiaisonFactory(department=employee.department, user=employee.user)

    with pytest.raises(CommandError, match="liaisons"):
        generate_city(employees=200, seed=8)

    assert synthetic_city() == before


def test_needs_at_least_one_employee():
    with pytest.raises(CommandError, match="at least one employee"):
        generate_city(employees=0, seed=7)


def test_records_that_cascade_from_a_synthetic_login_go_with_it():
    # Wagtail keeps a profile per user that goes with the user; its presence takes the slower,
    # collector-driven path, which must still replace the city.
    from wagtail.users.models import UserProfile

    generate_city(employees=300, seed=7)
    user = User.objects.filter(employee__origin=Employee.Origin.SYNTHETIC).first()
    UserProfile.get_for_user(user)

    generate_city(employees=200, seed=8)

    assert not UserProfile.objects.filter(user_id=user.pk).exists()
    assert User.objects.count() == 200
    assert Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).count() == 200
