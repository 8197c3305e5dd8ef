"""An extension moves the due date, and with it every milestone: the new date's reminders are
sent even when one of them falls on a day already logged for the old date."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats

from lms.compliance.services import extension_grant
from lms.reminders.models import ReminderLog
from lms.reminders.services import outbox, scan

pytestmark = pytest.mark.django_db


def run(day):
    """One scheduled run on ``day``: the scan, then sending."""
    scan.reminder_scan(today=day)
    return outbox.outbox_send()


def employee_logs():
    return ReminderLog.objects.filter(kind__in=ReminderLog.EMPLOYEE_KINDS).order_by("pk")


def test_an_extension_onto_a_logged_milestone_day_sends_the_new_dates_reminders(
    ana, assign, day, liaison
):
    old_due = day + timedelta(days=30)
    # 23 days later: the new date's 30-day milestone (day + 23) is the old date's 7-day one.
    new_due = old_due + timedelta(days=23)
    assignment = assign(ana, old_due)
    expected = {
        0: [("before_due", 30, old_due)],
        23: [("before_due", 7, old_due)],
        25: [("before_due", 30, new_due)],  # granted that morning
        46: [("before_due", 7, new_due)],
        52: [("before_due", 1, new_due)],
        53: [("due", 0, new_due)],
        54: [("overdue", 1, new_due)],
    }
    total = 0
    for offset in range(0, 55):
        if offset == 25:
            extension_grant(
                assignment=assignment, new_due_on=new_due, reason="Leave", granted_by=liaison
            )
        before = employee_logs().count()
        run(day + timedelta(days=offset))
        run(day + timedelta(days=offset))  # twice a day: nothing new
        new = list(employee_logs()[before:].values_list("kind", "milestone", "due_on"))
        assert new == expected.get(offset, []), offset
        total += len(new)
        assert len(mail.outbox) == total, offset
    moved = employee_logs().get(kind="before_due", due_on=new_due, milestone=30)
    assert moved.period == day + timedelta(days=23)  # the same milestone day as the old 7-day
    with_new_date = [m for m in mail.outbox if formats.date_format(new_due) in m.body]
    assert len(with_new_date) == 5


def test_an_extension_to_a_date_already_past_sends_its_overdue_reminder(ana, assign, day, liaison):
    old_due = day - timedelta(days=20)
    assignment = assign(ana, old_due)
    run(day - timedelta(days=5))  # 15 days overdue: the cycle that starts on day - 5
    assert list(employee_logs().values_list("period", "due_on")) == [
        (day - timedelta(days=5), old_due)
    ]
    # Moved a week later, the assignment is still overdue, and its current cycle again starts
    # on day - 5 (new due date + 1 + 7 days).
    new_due = old_due + timedelta(days=7)
    extension_grant(assignment=assignment, new_due_on=new_due, reason="Leave", granted_by=liaison)
    sent = len(mail.outbox)
    run(day)
    run(day)
    assert list(employee_logs().values_list("kind", "period", "due_on")) == [
        ("overdue", day - timedelta(days=5), old_due),
        ("overdue", day - timedelta(days=5), new_due),
    ]
    mine = [m for m in mail.outbox[sent:] if m.to == [ana.user.email]]
    assert len(mine) == 1 and formats.date_format(new_due) in mine[0].body
    # The liaisons hear about the new date once too (escalations are once per due date).
    escalated = ReminderLog.objects.filter(kind="liaison").values_list("due_on", flat=True)
    assert sorted(escalated) == [old_due, new_due]


def test_my_training_shows_reminders_of_the_current_due_date_only(
    ana, assign, day, liaison, client
):
    assignment = assign(ana, day + timedelta(days=7))
    run(day)
    client.force_login(ana.user)

    def notices(today):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
            return client.get(reverse("courses:my_training")).content.decode()

    old = "Encountering federal agents is due within 7 days, by Sept. 8, 2025."
    assert old in notices(day)
    extension_grant(
        assignment=assignment,
        new_due_on=day + timedelta(days=60),
        reason="Leave",
        granted_by=liaison,
    )
    content = notices(day)
    assert old not in content and "You have no reminders" in content
    run(day + timedelta(days=30))
    content = notices(day + timedelta(days=30))
    assert "Encountering federal agents is due within 30 days, by Oct. 31, 2025." in content
    assert old not in content
