"""The quiz submission reads its attempt through lms.queries.PreparedRead.instances: the same
instance the ORM gives, built once per process."""

import uuid

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from courses import selectors, services
from courses.models import QuizAttempt
from lms.queries import PreparedRead
from tests.courses.conftest import right_answers
from tests.factories import EmployeeFactory


def test_prepared_instances_are_those_the_orm_gives(db, quiz_course, employee):
    """Model instances with every field through its converter (UUID, JSON, dates, decimals) and
    the query's annotation, found by a UUID mark on SQLite (hex text) and PostgreSQL (uuid)."""

    def attempts(*, public_id, employee_id):
        return QuizAttempt.objects.annotate(
            course_acknowledgment_text=F("course__acknowledgment_text")
        ).filter(public_id=public_id, employee_id=employee_id)

    read = PreparedRead(QuizAttempt, attempts, public_id=uuid.UUID(int=0), employee_id=-1)
    for lesson in quiz_course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    (expected,) = attempts(public_id=attempt.public_id, employee_id=employee.pk)
    for key in (attempt.public_id, str(attempt.public_id)):
        with CaptureQueriesContext(connection) as queries:
            (found,) = read.instances(public_id=key, employee_id=employee.pk)
        assert len(queries) == 1
        assert found == expected and not found._state.adding
        for field in QuizAttempt._meta.concrete_fields:
            value = getattr(found, field.attname)
            assert value == getattr(expected, field.attname), field.name
            assert type(value) is type(getattr(expected, field.attname)), field.name
        assert found.course_acknowledgment_text == expected.course_acknowledgment_text
        assert found.submitted_at.tzinfo is not None and found.passed is True
    assert read.instances(public_id=uuid.uuid4(), employee_id=employee.pk) == []
    assert read.instances(public_id=attempt.public_id, employee_id=employee.pk + 1) == []


def test_the_attempt_to_submit_is_the_employees_own(db, quiz_course, employee):
    for lesson in quiz_course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    found = selectors.attempt_to_submit(employee=employee, attempt_key=attempt.public_id)
    assert found == attempt and found.course_acknowledgment_text == ""
    other = EmployeeFactory()
    assert selectors.attempt_to_submit(employee=other, attempt_key=attempt.public_id) is None
