"""The assignment's completion columns have one writer: the statement of
``assignment_completion_record``, used for each new completion and replayed by
``assignment_facts_refresh`` for bulk writes. Over many random histories (completions of several
editions and cycles recorded in any order, with and without expiry, extensions granted in any
order, two requirements on the same course, completions revoked and completed again) it gives
the same columns as a plain ORM reading of the records: a revoked completion does not count, and
``revoked_due_on`` is the due date of the latest revocation."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from courses import services as course_services
from courses.models import Completion, CompletionRevocation
from lms.compliance.models import Assignment, Extension
from lms.compliance.services import assignment_facts_refresh, assignments_sync
from tests.factories import (
    CompletionFactory,
    EmployeeFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 2)
START = datetime(2022, 1, 1, 8, 0, tzinfo=UTC)
COMPLETION_FACTS = (
    "first_completed_at",
    "latest_completion_edition",
    "latest_completed_at",
    "latest_expires_at",
)
HISTORIES = 20


def facts() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in Assignment.objects.values_list(
            "pk", *COMPLETION_FACTS, "extended_due_on", "revoked_due_on"
        )
    }


def expected() -> dict[int, tuple]:
    """The columns read straight from the records with the ORM, one assignment at a time."""
    result = {}
    for assignment in Assignment.objects.select_related("requirement"):
        all_completions = Completion.objects.filter(
            employee_id=assignment.employee_id, course_id=assignment.requirement.course_id
        )
        completions = all_completions.filter(revocation__isnull=True)
        first = completions.order_by("completed_at").first()
        latest = completions.order_by("-course_edition", "-completed_at").first()
        extension = assignment.extensions.order_by("-granted_at", "-pk").first()
        revocation = (
            CompletionRevocation.objects.filter(completion__in=all_completions)
            .order_by("-revoked_at", "-pk")
            .first()
        )
        result[assignment.pk] = (
            first and first.completed_at,
            latest and latest.course_edition,
            latest and latest.completed_at,
            latest and latest.expires_at,
            extension and extension.new_due_on,
            revocation and revocation.due_again_on,
        )
    return result


def completion_columns(rows: dict[int, tuple]) -> dict[int, tuple]:
    """The completion columns and the revocation's due date (without the extension's)."""
    return {pk: (*row[:4], row[5]) for pk, row in rows.items()}


def random_history(rng: random.Random, course) -> None:
    people = [EmployeeFactory() for _ in range(3)]
    assignments_sync(today=TODAY)
    # Distinct moments, recorded in random order (refresher cycles, editions, late records).
    moments = rng.sample(range(0, 4 * 365 * 24), k=rng.randint(0, 8))
    for cycle, hours in enumerate(moments, start=1):
        completed_at = START + timedelta(hours=hours)
        expires_at = (
            None if rng.random() < 0.4 else completed_at + timedelta(days=rng.randint(30, 800))
        )
        CompletionFactory(  # recorded through assignment_completion_record, as the services do
            course=course,
            enrollment__employee=rng.choice(people),
            enrollment__course_edition=rng.randint(1, 3),
            enrollment__cycle=cycle,
            completed_at=completed_at,
            expires_at=expires_at,
        )
    granted_by = UserFactory()
    # Some completions revoked (in any order), then completed again: the revocation's
    # incremental path, then the statement again on top of it.
    recorded = list(Completion.objects.filter(employee__in=people))
    for completion in rng.sample(recorded, k=rng.randint(0, len(recorded))):
        course_services.completion_revoke(
            completion=completion,
            revoked_at=START + timedelta(hours=rng.randint(0, 5 * 365 * 24)),
            revoked_by=granted_by,
            reason="Fraud",
            new_due_on=TODAY + timedelta(days=rng.randint(0, 90)),
        )
    for n in range(rng.randint(0, 2)):
        CompletionFactory(
            course=course,
            enrollment__employee=rng.choice(people),
            enrollment__course_edition=rng.randint(1, 3),
            enrollment__cycle=100 + n,
            completed_at=START + timedelta(hours=rng.randint(0, 5 * 365 * 24)),
        )
    assignments = list(Assignment.objects.filter(employee__in=people))
    for _ in range(rng.randint(0, 4) if assignments else 0):
        extension = Extension.objects.create(
            assignment=rng.choice(assignments),
            new_due_on=TODAY + timedelta(days=rng.randint(1, 200)),
            reason="Leave",
            granted_by=granted_by,
        )
        Extension.objects.filter(pk=extension.pk).update(
            granted_at=START + timedelta(minutes=rng.randint(0, 60))  # ties broken by pk
        )


def test_the_fast_statement_gives_the_columns_the_records_say(course):
    rng = random.Random(20261206)
    TrainingRequirementFactory(course=course, recertify_months=12)
    TrainingRequirementFactory(course=course)  # a second assignment of the same course
    for history in range(HISTORIES):
        random_history(rng, course)
        want = expected()
        # Each completion recorded as it came (the quiz submission path).
        assert completion_columns(facts()) == completion_columns(want), history
        # Everything recomputed from the records (bulk writers, the refresh command).
        Assignment.objects.update(
            **dict.fromkeys((*COMPLETION_FACTS, "extended_due_on", "revoked_due_on"))
        )
        assert assignment_facts_refresh() == len(want)
        assert facts() == want, history
        # Part of the assignments recomputed after damage; the others keep theirs.
        pks = rng.sample(sorted(want), k=len(want) // 2)
        Assignment.objects.filter(pk__in=pks).update(
            first_completed_at=START,
            latest_completion_edition=9,
            latest_completed_at=START,
            latest_expires_at=None,
            revoked_due_on=TODAY,
        )
        assignment_facts_refresh(assignments=Assignment.objects.filter(pk__in=pks))
        assert facts() == want, history
    assert Completion.objects.values("course_edition").distinct().count() == 3
    assert Assignment.objects.filter(latest_expires_at__isnull=False).exists()
    assert Assignment.objects.filter(extended_due_on__isnull=False).exists()
    assert Assignment.objects.filter(revoked_due_on__isnull=False).exists()
    assert CompletionRevocation.objects.exists()


def test_an_assignment_created_after_completing_gets_the_columns_the_records_say(course):
    rng = random.Random(7)
    for _ in range(5):
        random_history(rng, course)
    TrainingRequirementFactory(course=course, recertify_months=24)
    assignments_sync(today=TODAY)  # new assignments of people with completions
    assert completion_columns(facts()) == completion_columns(expected())
