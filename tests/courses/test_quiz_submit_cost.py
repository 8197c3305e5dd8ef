"""What a passing quiz submission costs: a fixed, short list of statements (the quiz_submit
benchmark's budget rests on it)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateSerialCounter
from courses import services
from courses.models import Completion
from lms.compliance.models import Assignment
from lms.compliance.services import assignments_sync
from lms.models import OrganisationSettings
from lms.reports.aggregates import standing_recompute
from tests.courses.conftest import right_answers
from tests.factories import TrainingRequirementFactory

pytestmark = pytest.mark.django_db

#: Transaction control, not work: BEGIN, COMMIT, SAVEPOINT, RELEASE SAVEPOINT.
CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE)


def statements(captured) -> list[str]:
    """Each data statement as "VERB table" (the first table it names outside parentheses, so
    not a subquery's)."""
    shapes = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if CONTROL.match(sql):
            continue
        verb = sql.split(None, 1)[0].upper()
        while re.search(r"\([^()]*\)", sql):
            sql = re.sub(r"\([^()]*\)", " _ ", sql)
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql, re.IGNORECASE).group(1)
        shapes.append(f"{verb} {table}")
    return shapes


def test_a_passing_submission_takes_a_fixed_list_of_statements(
    employee_client, employee, quiz_course
):
    TrainingRequirementFactory(course=quiz_course)
    assignments_sync()
    OrganisationSettings.load()
    CertificateSerialCounter.objects.create(year=timezone.localtime().year)
    for lesson in quiz_course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
    data = {f"q-{key}": value for key, value in right_answers(attempt).items()}
    standing_recompute(refresh=True)  # as every day after midnight
    # PostgreSQL holds the department's row; SQLite's writing transaction excludes every other.
    held = ["SELECT organisation_department"] if connection.features.has_select_for_update else []

    with CaptureQueriesContext(connection) as captured:
        response = employee_client.post(reverse("courses:attempt", args=[attempt.public_id]), data)

    assert response.status_code == 302
    assert statements(captured) == [
        "SELECT django_session",
        "SELECT auth_user",  # with the employee record joined, and "supervises someone"
        "SELECT courses_quizattempt",  # with the course's acknowledgment text joined
        "UPDATE courses_quizattempt",
        "INSERT courses_completion",
        # It returns the requirements it updated: with the loaded employee's department, the
        # pairs whose standing aggregates to recompute on commit (issue 21), no query of their own.
        "UPDATE compliance_assignment",
        "UPDATE certificates_certificateserialcounter",
        "SELECT lms_organisationsettings",
        "INSERT certificates_certificate",
        # The certificate counted in the OEI dashboard's aggregates, its department's row held
        # first (after the serial's: one order in every transaction, no deadlock), then the
        # completion in the trend's week (issue 15: no recount of the department on commit).
        *held,
        "UPDATE reports_certificateaggregate",  # the usual case ends here; this department's
        "SELECT reports_certificateaggregate",  # first certificate of the course makes its row
        "INSERT reports_certificateaggregate",
        *held,
        "SELECT reports_completionaggregate",
        "UPDATE reports_completionaggregate",
    ]
    # ... and it did all it has to.
    completion = Completion.objects.get(attempt=attempt)
    assert Certificate.objects.get(completion=completion).employee_name == employee.full_name
    assert Assignment.objects.get(employee=employee).latest_completed_at == completion.completed_at
