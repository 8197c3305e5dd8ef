"""Bounded dates: an extension goes at most EXTENSION_MAX_DAYS past the current due date unless
OEI grants it, no date typed into a form is past 2100-12-31 (9999-12-31 was a permanent
exemption in disguise, and an OverflowError one day later), and ``send_reminders --date``
takes a sensible day or says why not."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import GuidanceDocument
from lms.compliance.models import Assignment, Exemption, Extension, TrainingRequirement
from lms.compliance.services import assignments_sync, exemption_grant, extension_grant
from lms.errors import ApplicationError
from lms.organisation import roles
from lms.organisation.models import Department
from lms.reports.forms import ReportFilterForm
from tests.factories import (
    EmployeeFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HORIZON_EN = "An extension may move the due date by at most 365 days"
HORIZON_ES = "Una prórroga puede mover la fecha límite como máximo 365 días"
RANGE_EN = "Enter a date between 1900-01-01 and 2100-12-31."
RANGE_ES = "Introduzca una fecha entre 1900-01-01 y 2100-12-31."


@pytest.fixture
def assignment(parks, course):
    employee = EmployeeFactory(department=parks)
    requirement = TrainingRequirementFactory(course=course)
    assignments_sync(requirements=[requirement], employee_ids=[employee.pk])
    return Assignment.objects.get(employee=employee, requirement=requirement)


def post_extension(client, assignment, new_due_on: str):
    return client.post(
        reverse("compliance:extension_grant", kwargs={"pk": assignment.pk}),
        {"extension-new_due_on": new_due_on, "extension-reason": "Leave"},
    )


def test_a_liaison_extends_up_to_the_horizon_and_no_further(liaison_client, assignment, settings):
    assert settings.EXTENSION_MAX_DAYS == 365
    too_far = assignment.due_on + timedelta(days=366)
    response = post_extension(liaison_client, assignment, too_far.isoformat())
    assert response.status_code == 400
    content = response.content.decode()
    assert HORIZON_EN in content and "Ask OEI" in content
    assert (assignment.due_on + timedelta(days=365)).isoformat() in content
    assert not Extension.objects.exists()
    assignment.refresh_from_db()
    assert assignment.extended_due_on is None

    at_horizon = assignment.due_on + timedelta(days=365)
    response = post_extension(liaison_client, assignment, at_horizon.isoformat())
    assert response.status_code == 302
    assert Extension.objects.get().new_due_on == at_horizon


def test_the_horizon_is_a_setting_and_said_in_spanish(liaison, assignment, settings):
    settings.EXTENSION_MAX_DAYS = 30
    with pytest.raises(ApplicationError, match="at most 30 days"):
        extension_grant(
            assignment=assignment,
            new_due_on=assignment.due_on + timedelta(days=31),
            reason="Leave",
            granted_by=liaison,
        )
    settings.EXTENSION_MAX_DAYS = 365
    with translation.override("es"), pytest.raises(ApplicationError) as refused:
        extension_grant(
            assignment=assignment,
            new_due_on=assignment.due_on + timedelta(days=400),
            reason="Leave",
            granted_by=liaison,
        )
    assert HORIZON_ES in refused.value.message
    assert not Extension.objects.exists()


def test_oei_may_grant_more_but_not_past_2100(oei, assignment):
    far = assignment.due_on + timedelta(days=3 * 365)
    extension_grant(assignment=assignment, new_due_on=far, reason="Military leave", granted_by=oei)
    assert Extension.objects.get().new_due_on == far
    with pytest.raises(ApplicationError, match="2100-12-31"):
        extension_grant(
            assignment=assignment, new_due_on=date(9999, 12, 31), reason="x", granted_by=oei
        )
    assert Extension.objects.count() == 1


def test_9999_12_31_is_refused_by_the_forms_with_a_message(liaison_client, assignment):
    response = post_extension(liaison_client, assignment, "9999-12-31")
    assert response.status_code == 400
    assert RANGE_EN in response.content.decode()
    response = liaison_client.post(
        reverse("compliance:exemption_grant", kwargs={"pk": assignment.pk}),
        {"exemption-reason": "Seasonal", "exemption-until": "9999-12-31"},
    )
    assert response.status_code == 400
    assert RANGE_EN in response.content.decode()
    assert not Extension.objects.exists() and not Exemption.objects.exists()


def test_the_exemption_service_refuses_9999_12_31_too(liaison, assignment):
    with translation.override("es"), pytest.raises(ApplicationError) as refused:
        exemption_grant(
            assignment=assignment, reason="x", until=date(9999, 12, 31), granted_by=liaison
        )
    assert refused.value.message == RANGE_ES
    assert not Exemption.objects.exists()


@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_the_report_period_is_bounded(field):
    form = ReportFilterForm(
        {field: "9999-12-31"},
        departments=Department.objects.all(),
        requirements=TrainingRequirement.objects.all(),
    )
    assert not form.is_valid()
    assert form.errors[field] == [RANGE_EN]


def test_a_requirement_active_from_9999_is_refused(course):
    requirement = TrainingRequirementFactory.build(course=course, active_from=date(9999, 12, 31))
    with pytest.raises(ValidationError) as refused:
        requirement.full_clean()
    assert refused.value.message_dict["active_from"] == [RANGE_EN]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("9999-12-31", "between 2000-01-01 and"),
        ("0001-01-01", "between 2000-01-01 and"),
        ("1999-12-31", "between 2000-01-01 and"),
        ("garbage", "YYYY-MM-DD"),
        ("2025-02-30", "YYYY-MM-DD"),
    ],
)
def test_send_reminders_takes_a_sensible_date_or_says_why_not(value, says):
    with pytest.raises(CommandError, match=says):
        call_command("send_reminders", "--date", value, "--dry-run")


def test_send_reminders_takes_five_years_ahead():
    ahead = timezone.localdate() + timedelta(days=5 * 365)
    call_command("send_reminders", "--date", ahead.isoformat(), "--dry-run")
    with pytest.raises(CommandError, match="today \\+ 5 years"):
        call_command("send_reminders", "--date", (ahead + timedelta(days=3)).isoformat())


def test_a_guidance_document_dated_past_2100_is_refused_in_the_admin():
    """The editors' guidance-document form: 9999-12-31 is a form error, and nothing is saved."""
    roles.roles_sync()
    editor = UserFactory(roles=[roles.CONTENT_EDITOR])
    browser = Client()
    browser.force_login(editor)
    form = {
        "title": "Executive order",
        "short_name": "EO",
        "issuer": "Office of the Mayor",
        "issued_on": "9999-12-31",
        "url": "",
        "clauses-TOTAL_FORMS": "1",
        "clauses-INITIAL_FORMS": "0",
        "clauses-MIN_NUM_FORMS": "1",
        "clauses-MAX_NUM_FORMS": "1000",
        "clauses-0-number": "1",
        "clauses-0-title": "Purpose",
        "clauses-0-text": "",
        "clauses-0-ORDER": "1",
    }
    with translation.override("en"):
        response = browser.post(
            reverse("wagtailsnippets_courses_guidancedocument:add"), form, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    assert RANGE_EN in response.content.decode()
    assert not GuidanceDocument.objects.filter(title="Executive order").exists()
    form["issued_on"] = "2025-07-21"
    response = browser.post(reverse("wagtailsnippets_courses_guidancedocument:add"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GuidanceDocument.objects.get(title="Executive order").issued_on == date(2025, 7, 21)
