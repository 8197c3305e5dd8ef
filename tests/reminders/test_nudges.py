"""A liaison's "send reminder" goes through the reminders outbox: the same claim, retries,
backoff, failure list, language, Message-ID and send-time re-check as scheduled reminders.

Issue 16: it was a second path that sent and then recorded (a crash in between sent it
twice), with no retry or backoff, and no check that the reminder was still needed.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from courses import services as course_services
from lms.compliance.models import ReminderRequest
from lms.compliance.services import reminders_request
from lms.reminders import selectors, tasks
from lms.reminders.models import Digest, ReminderLog, SkipReason
from lms.reminders.services import nudges, outbox
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def complete(employee, course):
    for lesson in course.lessons():
        course_services.lesson_complete(employee=employee, lesson=lesson)


def test_the_liaisons_reminder_is_an_outbox_digest_carrying_the_request(
    ana, assign, liaison, course, django_capture_on_commit_callbacks
):
    ana.preferred_language = "es"
    ana.save()
    assign(ana, timezone.localdate() - timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=True):
        reminders_request(employee_ids=[ana.pk], requested_by=liaison)
    request = ReminderRequest.objects.get()
    digest = Digest.objects.get(kind=Digest.Kind.NUDGE)
    assert digest.request == request and digest.recipient == ana.user
    assert digest.sent_at is not None and digest.status == Digest.Status.SENT
    (message,) = mail.outbox
    assert message.to == [ana.user.email]
    assert message.subject.startswith("Recordatorio de su enlace")
    assert course.title in message.body and "vencido" in message.body
    assert message.extra_headers["Message-ID"].startswith(
        f"<digest.{ana.user_id}.nudge.{request.day:%Y%m%d}@"
    )
    # The record of who asked stays as it was; the outbox row says what happened.
    assert request.sent_at is None and request.requested_by == liaison
    # Running the outbox again sends nothing more.
    tasks.nudges_send()
    tasks.reminders_send_pending()
    assert len(mail.outbox) == 1


def test_a_refused_reminder_is_retried_with_backoff_and_listed_for_oei(
    parks, assign, liaison, settings
):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    fail = EmployeeFactory(department=parks, user__email="fail@cabq.example")
    assign(fail, timezone.localdate() + timedelta(days=3))
    reminders_request(employee_ids=[fail.pk], requested_by=liaison)
    now = timezone.now()
    nudges.nudges_log()
    result = outbox.outbox_send(now=now)
    assert (result.sent, result.failed) == (0, 1)
    digest = Digest.objects.get(kind=Digest.Kind.NUDGE)
    assert digest.attempts == 1 and digest.next_try_at == now + outbox.BACKOFF
    assert digest.status == Digest.Status.RETRYING
    assert selectors.outbox_to_check()[1] == [digest]
    # Not retried before its backoff; retried after it.
    assert outbox.outbox_send(now=now).failed == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.outbox_send(now=now + timedelta(minutes=6)).sent == 1
    assert len(mail.outbox) == 1


def test_completed_between_the_request_and_the_send_is_not_reminded(ana, assign, liaison, course):
    assign(ana, timezone.localdate() - timedelta(days=3))
    reminders_request(employee_ids=[ana.pk], requested_by=liaison)  # its task not run yet
    complete(ana, course)
    tasks.nudges_send()
    assert mail.outbox == []
    digest = Digest.objects.get(kind=Digest.Kind.NUDGE)
    assert digest.sent_at is None and digest.status == Digest.Status.SKIPPED
    assert digest.skip_reason == SkipReason.NOTHING_LEFT
    assert ReminderRequest.objects.get().outbox == digest


def test_completed_between_logging_and_sending_is_not_reminded(ana, assign, liaison, course):
    assign(ana, timezone.localdate() - timedelta(days=3))
    reminders_request(employee_ids=[ana.pk], requested_by=liaison)
    nudges.nudges_log()
    entry = ReminderLog.objects.get(kind=ReminderLog.Kind.NUDGE)
    complete(ana, course)
    result = outbox.outbox_send()
    assert mail.outbox == [] and result.not_needed == 1
    digest = Digest.objects.get(kind=Digest.Kind.NUDGE)
    assert digest.skip_reason == SkipReason.COMPLETED
    entry.refresh_from_db()
    assert entry.skip_reason == SkipReason.COMPLETED


def test_a_request_the_old_path_left_unsent_is_taken_up_once(ana, assign, liaison):
    """Requests queued before the upgrade (no outbox row, not sent) go out through the outbox;
    those the old path sent are not sent again."""
    assign(ana, timezone.localdate() + timedelta(days=3))
    ben = EmployeeFactory(department=ana.department)
    assign(ben, timezone.localdate() + timedelta(days=3))
    today = timezone.localdate()
    ReminderRequest.objects.create(employee=ana, day=today, requested_by=liaison)
    ReminderRequest.objects.create(
        employee=ben, day=today, requested_by=liaison, sent_at=timezone.now()
    )
    tasks.reminders_send_pending()
    tasks.reminders_send_pending()
    assert [m.to for m in mail.outbox] == [[ana.user.email]]


def test_a_holder_of_an_expired_completion_is_reminded(ana, assign, liaison, course, requirement):
    """Not compliant, though they completed once: the liaison's reminder goes out."""
    requirement.recertify_months = 12
    requirement.save()
    assign(ana, timezone.localdate() - timedelta(days=500))
    for lesson in course.lessons():
        course_services.lesson_complete(
            employee=ana, lesson=lesson, now=timezone.now() - timedelta(days=400)
        )
    reminders_request(employee_ids=[ana.pk], requested_by=liaison)
    tasks.nudges_send()
    assert [m.to for m in mail.outbox] == [[ana.user.email]]
    assert Digest.objects.get(kind=Digest.Kind.NUDGE).status == Digest.Status.SENT
