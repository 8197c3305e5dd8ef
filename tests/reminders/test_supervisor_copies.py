"""Issue 19: supervisors are copied on their reports' overdue escalations when the reminder
policy says so, once each; and a reminder a supervisor sends from "My team" says it is theirs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lms.compliance.services import reminders_request
from lms.reminders.models import Digest, ReminderPolicy
from lms.reminders.services import nudges, outbox, scan
from tests.factories import EmployeeFactory
from tests.reminders.conftest import DAY

pytestmark = pytest.mark.django_db


def run(day):
    scan.reminder_scan(today=day)
    return outbox.outbox_send(now=timezone.now() + (day - DAY))


@pytest.fixture
def boss(parks):
    return EmployeeFactory(
        department=parks,
        user__first_name="Bea",
        user__username="bea",
        user__email="bea@cabq.example",
    )


def mail_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def copies(on: bool):
    policy = ReminderPolicy.load()
    policy.copy_supervisors = on
    policy.save()


def test_the_supervisor_is_copied_when_the_policy_says_so(parks, assign, liaison, boss, day):
    copies(True)
    late = EmployeeFactory(department=parks, supervisor=boss)
    elsewhere = EmployeeFactory(department=parks)  # someone else's report
    assign(late, day - timedelta(days=7))
    assign(elsewhere, day - timedelta(days=7))
    run(day)
    run(day + timedelta(days=1))  # the next day's scan tells no one again
    digest = Digest.objects.get(kind=Digest.Kind.SUPERVISOR)
    assert digest.recipient == boss.user
    assert [entry.employee_id for entry in digest.entries.all()] == [late.pk]
    [message] = mail_to(boss.user)
    assert late.employee_number in message.body
    assert elsewhere.employee_number not in message.body
    assert "/compliance/team/" in message.body
    assert "Overdue City training in your team" in message.subject
    # the liaison's digest is unchanged: both people
    liaison_digest = Digest.objects.get(kind=Digest.Kind.LIAISON)
    assert liaison_digest.entries.count() == 2


def test_no_copy_while_the_policy_is_off(parks, assign, liaison, boss, day):
    assert ReminderPolicy.load().copy_supervisors is False  # the default
    late = EmployeeFactory(department=parks, supervisor=boss)
    assign(late, day - timedelta(days=7))
    run(day)
    assert not Digest.objects.filter(kind=Digest.Kind.SUPERVISOR).exists()
    assert mail_to(boss.user) == []
    assert Digest.objects.filter(kind=Digest.Kind.LIAISON).exists()


def test_a_supervisor_who_left_is_not_copied(parks, assign, liaison, boss, day):
    copies(True)
    late = EmployeeFactory(department=parks, supervisor=boss)
    boss.is_active = False
    boss.save()
    assign(late, day - timedelta(days=7))
    run(day)
    assert not Digest.objects.filter(kind=Digest.Kind.SUPERVISOR).exists()


def test_a_supervisors_reminder_says_it_comes_from_the_supervisor(
    parks, assign, liaison, boss, django_capture_on_commit_callbacks
):
    report = EmployeeFactory(department=parks, supervisor=boss, user__email="rep@cabq.example")
    other = EmployeeFactory(department=parks, user__email="other@cabq.example")
    for person in (report, other):
        assign(person, timezone.localdate() - timedelta(days=3))
    reminders_request(employee_ids=[report.pk], requested_by=boss.user)
    reminders_request(employee_ids=[other.pk], requested_by=liaison)
    nudges.nudges_log()
    outbox.outbox_send()
    [from_boss] = mail_to(report.user)
    assert "Your supervisor reminds you" in from_boss.body
    assert from_boss.subject.startswith("Reminder from your supervisor")
    [from_liaison] = mail_to(other.user)
    assert "Your department's liaison reminds you" in from_liaison.body
