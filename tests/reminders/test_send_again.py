"""What OEI sees of a reminder that may not have been sent, and "Send again"."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lms.reminders import emails
from lms.reminders.models import ReminderLog
from lms.reminders.services import outbox, scan
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


LOST = "tests.reminders.backends.LostBackend"


@pytest.fixture
def interrupted(ana, assign, day):
    """A reminder whose sender died between handing it to the server and recording it."""
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    now = timezone.now()
    token = outbox._claim(ReminderLog, now=now, size=10)
    row = ReminderLog.objects.get()
    assert outbox._sending_mark(ReminderLog, row, token)  # ... and the process was killed
    later = now + outbox.LEASE + timedelta(seconds=1)
    result = outbox.outbox_send(now=later)
    assert (result.sent, len(mail.outbox)) == (0, 0)
    row.refresh_from_db()
    assert row.uncertain and row.status == ReminderLog.Status.UNCERTAIN
    return row


def test_a_lost_answer_is_may_not_have_been_sent_and_the_rest_waits(parks, assign, day, settings):
    settings.EMAIL_BACKEND = LOST
    lost = EmployeeFactory(department=parks, user__email="lost@cabq.example")
    later = EmployeeFactory(department=parks)
    assign(lost, day + timedelta(days=7))
    assign(later, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    result = outbox.outbox_send()
    assert (result.sent, result.uncertain) == (0, 1)
    row = ReminderLog.objects.get(employee=lost)
    assert row.uncertain and "timed out" in row.last_error
    # The connection's state is unknown: the next run sends the rest, never the lost one.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = outbox.outbox_send()
    assert result.sent == 1
    assert [m.to for m in mail.outbox] == [[later.user.email]]
    assert list(outbox.failures()) == [row]


def test_oei_sees_it_and_sends_it_again_with_the_same_message_id(
    client, oei_user, interrupted, day
):
    client.force_login(oei_user)
    response = client.get(reverse("reminders:to_check"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "May not have been sent" in content and "Send again" in content
    response = client.get(reverse("reminders:to_check"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Puede que no se haya enviado" in response.content.decode()

    url = reverse("reminders:send_again", kwargs={"kind": "reminder", "pk": interrupted.pk})
    assert client.post(url).status_code == 302
    interrupted.refresh_from_db()
    assert not interrupted.uncertain and interrupted.status == ReminderLog.Status.PENDING
    assert outbox.outbox_send().sent == 1
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == emails.message_id(interrupted)
    assert message.message()["Message-ID"] == (
        f"<reminder.{interrupted.assignment_id}.before_due.{interrupted.due_on:%Y%m%d}."
        f"{interrupted.period:%Y%m%d}@cabq.example>"
    )
    assert client.post(url).status_code == 404  # sent: nothing to send again


def test_only_oei_sees_or_sends_again(client, ana, interrupted):
    client.force_login(ana.user)
    assert client.get(reverse("reminders:to_check")).status_code == 403
    url = reverse("reminders:send_again", kwargs={"kind": "reminder", "pk": interrupted.pk})
    assert client.post(url).status_code == 403
    interrupted.refresh_from_db()
    assert interrupted.uncertain


@pytest.mark.parametrize(("kind", "pk"), [("nonsense", 1), ("reminder", 2**64), ("digest", 99)])
def test_send_again_of_nothing_is_a_404(client, oei_user, kind, pk):
    client.force_login(oei_user)
    url = reverse("reminders:send_again", kwargs={"kind": kind, "pk": pk})
    assert client.post(url).status_code == 404
