"""lms.queries.PreparedRead: an ORM read compiled once per process, run with new values."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test import override_settings
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


class _RecordingRouter:
    """Routes nothing (the default database answers), records which way each read asked."""

    asked: list[str] = []

    def db_for_read(self, model, **hints):
        self.asked.append("read")

    def db_for_write(self, model, **hints):
        self.asked.append("write")


def test_a_prepared_read_that_locks_rows_goes_where_writes_go(db):
    """As the ORM routes a queryset: a read that locks rows (``select_for_update()``) asks the
    router for the database of writes, a plain read for the database of reads (with a
    replica behind a router, a lock taken on the replica would hold nothing)."""
    parks = DepartmentFactory(code="PARKS")

    def held(*, pk):
        return Department.objects.select_for_update().filter(pk=pk).values_list("pk")

    def plain(*, pk):
        return Department.objects.filter(pk=pk).values_list("pk")

    with override_settings(DATABASE_ROUTERS=[f"{__name__}._RecordingRouter"]):
        for build, way in [(held, "write"), (plain, "read")]:
            _RecordingRouter.asked.clear()
            with transaction.atomic():
                assert PreparedRead(Department, build, pk=-1).rows(pk=parks.pk) == [(parks.pk,)]
            assert _RecordingRouter.asked == [way]
