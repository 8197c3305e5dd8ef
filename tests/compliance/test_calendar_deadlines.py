"""Calendar deadlines (issue 19): a requirement due by a fixed date, with the relative rule for
people assigned after it, and the rule shown with every due date on the liaison's and OEI's
pages and exports."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from lms.compliance.models import Assignment, DueRule, TrainingRequirement
from lms.compliance.selectors import due_rule_label
from lms.compliance.services import assignments_sync, due_date, due_date_rule
from tests.factories import EmployeeFactory, TrainingRequirementFactory

pytestmark = pytest.mark.django_db
FIXED = date(2027, 3, 31)


@pytest.mark.parametrize(
    ("assigned_on", "expected", "rule", "days"),
    [
        (FIXED - timedelta(days=90), FIXED, DueRule.FIXED_DATE, None),  # long before
        (FIXED - timedelta(days=1), FIXED, DueRule.FIXED_DATE, None),  # the day before
        (FIXED, FIXED, DueRule.FIXED_DATE, None),  # on the date itself
        (FIXED + timedelta(days=1), FIXED + timedelta(days=31), DueRule.ASSIGNMENT, 30),
        (FIXED + timedelta(days=200), FIXED + timedelta(days=230), DueRule.ASSIGNMENT, 30),
    ],
)
def test_fixed_date_applies_up_to_the_date_then_days_after_assignment(
    course, assigned_on, expected, rule, days
):
    requirement = TrainingRequirementFactory.build(course=course, due_days=30, due_by=FIXED)
    due = due_date_rule(
        requirement=requirement, hire_date=date(2010, 1, 1), assigned_on=assigned_on
    )
    assert (due.on, due.rule, due.days) == (expected, rule, days)
    assert (
        due_date(requirement=requirement, hire_date=date(2010, 1, 1), assigned_on=assigned_on)
        == expected
    )


def test_after_the_fixed_date_a_new_hire_counts_from_the_hire_date(course):
    requirement = TrainingRequirementFactory.build(
        course=course,
        due_days=30,
        due_by=FIXED,
        due_basis=TrainingRequirement.DueBasis.HIRE_DATE,
    )
    assigned = FIXED + timedelta(days=10)
    hired = FIXED + timedelta(days=20)  # hired after the requirement reached them
    due = due_date_rule(requirement=requirement, hire_date=hired, assigned_on=assigned)
    assert (due.on, due.rule, due.days) == (hired + timedelta(days=30), DueRule.HIRE_DATE, 30)
    # before the date, the fixed date wins over the hire date
    due = due_date_rule(requirement=requirement, hire_date=hired, assigned_on=FIXED)
    assert (due.on, due.rule) == (FIXED, DueRule.FIXED_DATE)


def test_sync_records_the_rule_across_the_date(course):
    requirement = TrainingRequirementFactory(
        course=course, due_days=30, due_by=FIXED, active_from=date(2026, 1, 1)
    )
    early, on_the_day, late = EmployeeFactory(), EmployeeFactory(), EmployeeFactory()
    assignments_sync(today=FIXED - timedelta(days=60), employee_ids=[early.pk])
    assignments_sync(today=FIXED, employee_ids=[on_the_day.pk])
    assignments_sync(today=FIXED + timedelta(days=5), employee_ids=[late.pk])
    rows = {
        a.employee_id: (a.due_on, a.due_rule, a.due_rule_days)
        for a in Assignment.objects.filter(requirement=requirement)
    }
    assert rows == {
        early.pk: (FIXED, DueRule.FIXED_DATE, None),
        on_the_day.pk: (FIXED, DueRule.FIXED_DATE, None),
        late.pk: (FIXED + timedelta(days=35), DueRule.ASSIGNMENT, 30),
    }


def test_a_fixed_date_out_of_range_is_refused(course):
    requirement = TrainingRequirementFactory.build(
        course=course, due_by=date(2101, 1, 1), active_from=date(2026, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        requirement.full_clean(exclude=["course"])
    assert "due_by" in error.value.message_dict


def test_rule_labels_in_both_languages():
    fixed = {"rule": DueRule.FIXED_DATE, "days": None, "due_on": FIXED}
    relative = {"rule": DueRule.ASSIGNMENT, "days": 30, "due_on": FIXED}
    hire = {"rule": DueRule.HIRE_DATE, "days": 30, "due_on": FIXED}
    with translation.override("en"):
        assert due_rule_label(**fixed) == "by March 31, 2027"
        assert due_rule_label(**fixed, iso=True) == "by 2027-03-31"
        assert due_rule_label(**relative) == "30 days after assignment"
        assert due_rule_label(**hire) == "30 days after the hire date"
        assert due_rule_label(rule="", days=None, due_on=FIXED) == ""
    with translation.override("es"):
        assert due_rule_label(**fixed, iso=True) == "antes del 2027-03-31"
        assert due_rule_label(**relative) == "30 días después de la asignación"
        assert due_rule_label(**hire) == "30 días después de la fecha de contratación"


@pytest.fixture
def two_rules(course, parks):
    """One person due by the fixed date, one due 30 days after assignment."""
    fixed = TrainingRequirementFactory(
        name="Everyone by March", course=course, due_by=FIXED, active_from=date(2026, 1, 1)
    )
    relative = TrainingRequirementFactory(
        name="Thirty days", course=course, due_days=30, active_from=date(2026, 1, 1)
    )
    EmployeeFactory(department=parks)
    assignments_sync(today=date(2026, 12, 1))
    return fixed, relative


def test_liaison_roster_page_and_export_show_the_rule(liaison_client, parks, two_rules):
    page = liaison_client.get(reverse("compliance:department", kwargs={"code": parks.code}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Rule: by March 31, 2027" in text
    assert "Rule: 30 days after assignment" in text

    export = liaison_client.get(reverse("compliance:export", kwargs={"code": parks.code}))
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode()[1:])))
    by_requirement = {row["Requirement"]: row["Due date set by"] for row in rows}
    assert by_requirement == {
        "Everyone by March": "by 2027-03-31",
        "Thirty days": "30 days after assignment",
    }


def test_assignment_page_shows_the_rule(liaison_client, two_rules):
    fixed, _relative = two_rules
    assignment = Assignment.objects.get(requirement=fixed)
    page = liaison_client.get(reverse("compliance:assignment", kwargs={"pk": assignment.pk}))
    assert page.status_code == 200
    assert "by March 31, 2027" in page.content.decode()
