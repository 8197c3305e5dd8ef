"""Issue 16, "Revoking a certificate changes nothing in compliance": a revocation voids its
completion for compliance from that moment. The assignment is due again by the date OEI set
(default 30 days ahead), overdue after it; ``with_status``, the liaison dashboard's counts and
OEI's figures agree; the revoked certificate itself stays as it was."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from courses.models import Completion
from lms.compliance.models import Assignment
from lms.compliance.selectors import (
    Status,
    assignments_for,
    department_assignments,
    roster_summary,
    with_status,
)
from lms.compliance.services import extension_grant
from lms.errors import ApplicationError
from lms.reports.selectors import citywide_figures
from tests.factories import CompletionFactory

pytestmark = pytest.mark.django_db


def parks_done(city):
    """The Parks employee who completed today, and their certificate."""
    employee = city["people"]["parks"][1]
    completion = Completion.objects.get(employee=employee)
    return employee, certificate_issue(completion=completion)


def status_of(employee, *, today=None):
    requirement = Assignment.objects.get(employee=employee).requirement
    return with_status(
        Assignment.objects.filter(employee=employee), requirements=[requirement], today=today
    ).get()


def test_revoking_a_certificate_makes_the_training_due_again_by_the_date_oei_sets(city):
    employee, certificate = parks_done(city)
    today = timezone.localdate()
    assert status_of(employee).status == Status.COMPLETED

    new_due_on = today + timedelta(days=45)
    certificate_revoke(
        certificate=certificate,
        user=city["oei"],
        reason="Someone else took it",
        new_due_on=new_due_on,
    )

    row = status_of(employee)
    assert row.status == Status.NOT_STARTED
    assert row.effective_due_on == new_due_on
    assert row.last_completed_at is None
    # Due soon in the last two weeks, overdue the day after the new due date.
    assert status_of(employee, today=new_due_on - timedelta(days=3)).status == Status.DUE_SOON
    assert status_of(employee, today=new_due_on).status == Status.DUE_SOON
    assert status_of(employee, today=new_due_on + timedelta(days=1)).status == Status.OVERDUE


def test_the_default_new_due_date_is_thirty_days_ahead(city):
    employee, certificate = parks_done(city)
    # Due long ago (the completion made that moot): the new due date is counted from today.
    Assignment.objects.filter(employee=employee).update(
        due_on=timezone.localdate() - timedelta(days=90)
    )
    certificate_revoke(certificate=certificate, user=city["oei"], reason="Wrong person")
    assert status_of(employee).effective_due_on == timezone.localdate() + timedelta(days=30)


def test_the_dashboards_and_oei_figures_stop_counting_the_revoked_completion(city):
    employee, certificate = parks_done(city)
    oei = city["oei"]
    parks = department_assignments(user=city["liaison"], department=city["parks"])
    before_roster = roster_summary(parks).all
    before_figures = citywide_figures(user=oei)
    assert before_roster.compliant == 2 and before_figures.total.compliant == 3

    certificate_revoke(certificate=certificate, user=oei, reason="Answers copied")

    after_roster = roster_summary(
        department_assignments(user=city["liaison"], department=city["parks"])
    ).all
    after_figures = citywide_figures(user=oei)
    assert after_roster.compliant == 1
    assert after_roster.total == before_roster.total
    assert after_figures.total.compliant == 2
    assert after_figures.total.completed == before_figures.total.completed - 1
    # with_status, seen by OEI, says the same
    statuses = dict(assignments_for(user=oei).values_list("employee_id", "status"))
    assert statuses[employee.pk] == Status.NOT_STARTED


def test_the_revoked_certificate_stays_as_it_was_apart_from_its_revocation(city):
    _employee, certificate = parks_done(city)
    snapshot = {name: getattr(certificate, name) for name in Certificate.SNAPSHOT_FIELDS}
    certificate_revoke(certificate=certificate, user=city["oei"], reason="Fraud")
    stored = Certificate.objects.get(pk=certificate.pk)
    assert {name: getattr(stored, name) for name in Certificate.SNAPSHOT_FIELDS} == snapshot
    assert stored.revocation_reason == "Fraud"
    assert Completion.objects.filter(pk=certificate.completion_id).exists()


def test_an_earlier_completion_still_counts_when_a_later_one_is_revoked(city):
    """Only the revoked completion is voided: an earlier one of the same course that is
    still valid keeps the assignment compliant."""
    course = city["course"]
    employee = city["people"]["parks"][0]  # completed 3 days ago
    # A refresher recorded today, revoked: the first completion remains.
    first = Completion.objects.get(employee=employee)
    later = CompletionFactory(course=course, enrollment__employee=employee, enrollment__cycle=2)
    certificate = certificate_issue(completion=later)
    certificate_revoke(certificate=certificate, user=city["oei"], reason="Duplicate account")
    row = status_of(employee)
    assert row.status == Status.COMPLETED
    assert row.last_completed_at == first.completed_at


def test_an_extension_after_a_revocation_counts_from_the_new_due_date(city):
    employee, certificate = parks_done(city)
    today = timezone.localdate()
    Assignment.objects.filter(employee=employee).update(due_on=today - timedelta(days=90))
    new_due_on = today + timedelta(days=20)
    certificate_revoke(
        certificate=certificate, user=city["oei"], reason="Fraud", new_due_on=new_due_on
    )
    assignment = Assignment.objects.get(employee=employee)
    with pytest.raises(ApplicationError):  # not later than the date the revocation set
        extension_grant(
            assignment=assignment,
            new_due_on=new_due_on,
            reason="Leave",
            granted_by=city["liaison"],
        )
    extension_grant(
        assignment=assignment,
        new_due_on=new_due_on + timedelta(days=10),
        reason="Leave",
        granted_by=city["liaison"],
    )
    assert status_of(employee).effective_due_on == new_due_on + timedelta(days=10)
