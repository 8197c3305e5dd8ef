"""A demo employee, reminded by a day run ahead by hand, reads the notices on My training and
switches to a weekly digest (EO §5 training, issue 6)."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import formats, timezone
from playwright.sync_api import Page, expect

from lms.demo.people import DEMO_PASSWORD
from lms.organisation.models import Employee
from lms.reminders.emails import reminder_sentence
from lms.reminders.models import Delivery, ReminderLog, ReminderPreference
from tests.browser.pages import LoginScreen, ReminderNoticesScreen

pytestmark = pytest.mark.browser

EMPLOYEE = "employee02"  # English; due, overdue and nearly due on three requirements 45 days on
WEEKLY = "One weekly digest"


def test_employee_reads_reminders_and_chooses_a_weekly_digest(demo, page: Page, axe):
    ahead = timezone.localdate() + timedelta(days=45)
    call_command("send_reminders", "--date", ahead.isoformat(), stdout=io.StringIO())
    employee = Employee.objects.select_related("user").get(user__username=EMPLOYEE)
    logs = ReminderLog.objects.filter(
        employee=employee, kind__in=ReminderLog.EMPLOYEE_KINDS, sent_at__isnull=False
    ).select_related("assignment__requirement__course")
    kinds = {log.kind for log in logs}
    assert {ReminderLog.Kind.BEFORE_DUE, ReminderLog.Kind.DUE, ReminderLog.Kind.OVERDUE} <= kinds
    expected = sorted(
        reminder_sentence(
            kind=log.kind,
            title=log.assignment.requirement.course.title,
            due_on=log.due_on,
            milestone=log.milestone,
        )
        for log in logs
    )
    # The emails said the same thing, once each.
    to_employee = [m for m in mail.outbox if m.to == [employee.user.email]]
    assert len(to_employee) == len(expected)
    assert all(any(s in m.body for m in to_employee) for s in expected)

    LoginScreen(page).open().log_in(EMPLOYEE, DEMO_PASSWORD)
    training = ReminderNoticesScreen(page).open()
    expect(training.heading()).to_have_text("My training")
    expect(page.get_by_role("heading", name="Reminders", level=2)).to_be_visible()
    notices = training.notices()
    assert len(notices) == len(expected)
    for sentence in expected:
        assert any(notice.startswith(sentence) for notice in notices), (sentence, notices)
    assert formats.date_format(logs[0].due_on, "DATE_FORMAT") in " ".join(notices)
    axe(page)

    preferences = training.open_preferences()
    expect(preferences.heading()).to_have_text("Reminder preference")
    expect(preferences.chosen("A separate email for each reminder")).to_be_checked()
    axe(page)

    preferences.choose(WEEKLY)
    expect(preferences.chosen(WEEKLY)).to_be_checked()
    training = preferences.save()
    expect(training.heading()).to_have_text("My training")
    expect(page.get_by_text("Your reminder preference is saved.")).to_be_visible()
    axe(page)
    assert ReminderPreference.objects.get(employee=employee).delivery == Delivery.WEEKLY

    # Back on the page, the weekly digest is the choice shown.
    preferences = training.open_preferences()
    expect(preferences.chosen(WEEKLY)).to_be_checked()
    axe(page)
