"""lms.queries.PreparedRead: an ORM read compiled once per process, run with new values."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.organisation.models import Department, Employee
from lms.queries import PreparedRead
from tests.factories import DepartmentFactory


def test_a_prepared_read_answers_as_the_orm_does_and_is_built_once(db):
    built = []

    def names(*, code: str, name: str):
        built.append(code)
        return (
            Department.objects.filter(code=code, is_active=True)
            .exclude(name=name)
            .order_by("name")
            .values_list("name", flat=True)
        )

    read = PreparedRead(Department, names, code="\x00code", name="\x00name")
    parks = DepartmentFactory(code="PARKS", name="Parks")
    DepartmentFactory(code="FIRE", name="Fire", is_active=False)
    for code, name in [("PARKS", "x"), ("PARKS", "Parks"), ("FIRE", "x"), ("NONE", "x")]:
        with CaptureQueriesContext(connection) as queries:
            rows = read.rows(code=code, name=name)
        assert [row[0] for row in rows] == list(names(code=code, name=name))
        assert len(queries) == 1
    assert read.rows(code="PARKS", name="x") == [(parks.name,)]
    assert read.rows(code="FIRE", name="x") == []  # not active
    # Built once to compile (with the marks), then only by this test's comparisons.
    assert built.count("\x00code") == 1


def test_a_read_whose_values_are_not_parameters_is_refused():
    def sliced(*, count: int):
        return Department.objects.values_list("name", flat=True)[:count]  # LIMIT is inlined

    with pytest.raises(ImproperlyConfigured, match="count"):
        PreparedRead(Department, sliced, count=987_654).rows(count=3)


def test_prepared_instances_refuse_related_rows(db):
    def with_department(*, number):
        return Employee.objects.select_related("department").filter(employee_number=number)

    with pytest.raises(ImproperlyConfigured, match="select_related"):
        PreparedRead(Employee, with_department, number="\x00n").instances(number="E1")
