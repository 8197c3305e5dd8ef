"""Issue 16: a holder of a superseded edition (UPDATE_DUE, compliant) is reminded of the
update before its due date, as anyone is of a due date, and not once they retook it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import formats

from lms.compliance.selectors import Status, my_assignments_of
from lms.reminders.models import ReminderLog, SkipReason
from lms.reminders.services import outbox, scan
from tests.compliance.test_update_due import editor, publish_edition  # noqa: F401 - fixture
from tests.conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(ana, assign, day, course, editor):  # noqa: F811 - the fixture imported above
    """Ana completed edition 1 (long after her own due date); edition 2 is published now."""
    assign(ana, day - timedelta(days=100))
    complete(ana, course)
    edition = publish_edition(course, editor)
    (assignment,) = my_assignments_of(employee=ana)
    assert assignment.status == Status.UPDATE_DUE
    return edition


def test_the_update_is_reminded_before_its_due_date(ana, course, holder):
    scan.reminder_scan(today=holder.due_on - timedelta(days=7))
    outbox.outbox_send()
    log = ReminderLog.objects.get(employee=ana)
    assert (log.kind, log.due_on, log.milestone) == ("before_due", holder.due_on, 7)
    assert log.sent_at is not None and not log.skip_reason
    (message,) = mail.outbox
    assert formats.date_format(holder.due_on, "DATE_FORMAT") in message.body


def test_no_reminder_once_the_update_is_taken(ana, course, holder):
    scan.reminder_scan(today=holder.due_on - timedelta(days=7))
    course.refresh_from_db()
    complete(ana, course)  # edition 2
    outbox.outbox_send()
    log = ReminderLog.objects.get(employee=ana)
    assert (log.sent_at, log.skip_reason) == (None, SkipReason.COMPLETED)
    assert mail.outbox == []
    scan.reminder_scan(today=holder.due_on)
    assert ReminderLog.objects.filter(employee=ana).count() == 1
