"""Item analysis: % answered correctly and the most chosen wrong answer per question, grouped by
the guidance it tests, read from the attempts' own snapshots."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment, QuizAttempt
from lms.reports import selectors
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def question(qid, text, reference, right="a", clauses=()):
    return {
        "clauses": [{"label": label} for label in clauses],
        "id": qid,
        "kind": "single",
        "text": text,
        "choices": [
            {"id": "a", "text": "Call the City Attorney"},
            {"id": "b", "text": "Let them in"},
            {"id": "c", "text": "Ask a colleague"},
        ],  # fmt: skip
        "correct": [right],
        "explanation": "",
        "policy_reference": reference,
    }


def attempt(employee, course, answers, *, number=1):
    enrollment, _ = Enrollment.objects.get_or_create(
        employee=employee, course=course, course_edition=1, defaults={"started_at": timezone.now()}
    )
    return QuizAttempt.objects.create(
        enrollment=enrollment,
        employee=employee,
        course=course,
        course_title=course.title,
        course_edition=1,
        number=number,
        questions=[
            question("q1", "ICE at the door?", "EO §7"),
            question("q2", "Records request?", ""),
        ],
        pass_mark=50,
        started_at=timezone.now(),
        answers=answers,
        score=50,
        passed=True,
        submitted_at=timezone.now(),
    )


@pytest.fixture
def attempts(course):
    from courses.models import Clause, CoursePolicyReference, GuidanceDocument

    order = GuidanceDocument.objects.create(
        title="Executive order", short_name="EO", issuer="The Mayor"
    )
    clause = Clause.objects.create(document=order, number="5", title="Reporting")
    CoursePolicyReference.objects.create(page=course, clause=clause)
    people = [EmployeeFactory() for _ in range(4)]
    attempt(people[0], course, {"q1": ["a"], "q2": ["a"]})
    attempt(people[1], course, {"q1": ["b"], "q2": ["a"]})
    attempt(people[2], course, {"q1": ["b"], "q2": ["c"]})
    attempt(people[3], course, {"q1": ["c"], "q2": ["a"]})
    return course


def test_percent_correct_and_most_chosen_wrong_grouped_by_guidance(attempts, oei):
    groups = {group.guidance: group for group in selectors.item_analysis(user=oei)}
    assert set(groups) == {"EO §7", "EO §5"}  # q2 has no reference: its course's
    [q1] = groups["EO §7"].items
    assert (q1.answered, q1.correct, q1.percent_correct) == (4, 1, 25)
    assert q1.most_chosen_wrong == ("Let them in", 2)
    [q2] = groups["EO §5"].items
    assert q2.percent_correct == 75 and q2.most_chosen_wrong == ("Ask a colleague", 1)
    assert list(groups) == ["EO §7", "EO §5"]  # least understood first


def test_item_analysis_page_and_export(attempts, oei_client):
    html = oei_client.get(reverse("reports:items")).content.decode()
    assert "EO §7" in html and "Let them in" in html and "25%" in html
    response = oei_client.get(reverse("reports:export", kwargs={"table": "items", "kind": "csv"}))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "ICE at the door?" in text and "Let them in" in text
