import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError

from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("organisation", "courses", "certificates", "lms")


def test_department_code_must_look_like_an_hr_code():
    department = DepartmentFactory.build(code="parks rec")
    with pytest.raises(ValidationError) as excinfo:
        department.full_clean()
    assert "code" in excinfo.value.message_dict


def test_department_codes_are_unique():
    DepartmentFactory(code="PARKS")
    with pytest.raises(IntegrityError):
        DepartmentFactory(code="PARKS")


def test_employee_numbers_are_unique():
    EmployeeFactory(employee_number="E1")
    with pytest.raises(IntegrityError):
        EmployeeFactory(employee_number="E1")


def test_an_employee_keeps_their_department_and_login():
    employee = EmployeeFactory()
    with pytest.raises(ProtectedError):
        employee.department.delete()
    with pytest.raises(ProtectedError):
        employee.user.delete()


def test_employee_is_one_to_one_with_the_user():
    employee = EmployeeFactory(user__first_name="Rosa", user__last_name="Chávez")
    assert employee.user.employee == employee
    assert employee.full_name == "Rosa Chávez"


def test_no_model_can_hold_immigration_status_or_nationality():
    """Executive order §1: City resources are not used for civil immigration enforcement."""
    forbidden = (
        "immigration",
        "nationality",
        "citizenship",
        "citizen",
        "visa",
        "alien",
        "country_of_birth",
        "birthplace",
        "passport",
    )
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            name = field.name.lower()
            assert not any(word in name for word in forbidden), f"{model.__name__}.{field.name}"
