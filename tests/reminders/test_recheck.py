"""Nothing is sent whose reason is gone: each row is re-checked against the assignment's status
when it is sent (and when a digest is built), and skipped with the reason, for OEI to see.

Issue 16: an employee on the weekly digest who completed the course on day 2 still got "Your
City training this week: 1 reminder" for it on day 7.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from courses import services as course_services
from lms.compliance.models import Assignment
from lms.compliance.services import exemption_grant, extension_grant
from lms.reminders import selectors
from lms.reminders.models import Delivery, Digest, ReminderLog, SkipReason
from lms.reminders.services import outbox, scan
from lms.reminders.services.preferences import reminder_preference_set
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def complete(employee, course):
    for lesson in course.lessons():
        course_services.lesson_complete(employee=employee, lesson=lesson)


def reason_goes(reason, *, employee, course, liaison, day):
    """What happens to the employee's assignment between logging and sending."""
    assignment = Assignment.objects.get(employee=employee)
    if reason == SkipReason.COMPLETED:
        complete(employee, course)
    elif reason == SkipReason.EXEMPT:
        exemption_grant(
            assignment=assignment,
            reason="Leave",
            until=max(day, timezone.localdate()) + timedelta(days=365),
            granted_by=liaison,
        )
    elif reason == SkipReason.EXTENDED:
        extension_grant(
            assignment=assignment,
            new_due_on=day + timedelta(days=60),
            reason="Leave",
            granted_by=liaison,
        )
    elif reason == SkipReason.LEFT:
        employee.is_active = False
        employee.save()
    elif reason == SkipReason.REMOVED:
        Assignment.objects.filter(pk=assignment.pk).update(is_active=False)


REASONS = [
    SkipReason.COMPLETED,
    SkipReason.EXEMPT,
    SkipReason.EXTENDED,
    SkipReason.LEFT,
    SkipReason.REMOVED,
]


@pytest.mark.parametrize("reason", REASONS)
def test_single_reminder_whose_reason_is_gone_is_skipped_not_sent(
    reason, ana, assign, day, course, liaison
):
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)  # logged: "due within 7 days"
    log = ReminderLog.objects.get(employee=ana)
    assert log.delivery == Delivery.SINGLE
    reason_goes(reason, employee=ana, course=course, liaison=liaison, day=day)

    result = outbox.outbox_send()
    assert mail.outbox == []
    log.refresh_from_db()
    assert (log.sent_at, log.skip_reason) == (None, reason)
    assert log.status == ReminderLog.Status.SKIPPED
    assert result.not_needed == 1 and result.sent == 0
    # Skipped is not a failure: nothing for OEI to check, and it is never sent later.
    assert not outbox.failures().exists()
    assert selectors.outbox_to_check() == ([], [])
    outbox.outbox_send()
    assert mail.outbox == []


@pytest.mark.parametrize("reason", REASONS)
def test_weekly_digest_leaves_out_what_was_resolved_during_the_week(
    reason, ana, assign, day, course, liaison
):
    """Logged on Monday, resolved on Tuesday: next Monday's digest has nothing to send."""
    reminder_preference_set(employee=ana, delivery=Delivery.WEEKLY)
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    outbox.outbox_send()
    log = ReminderLog.objects.get(employee=ana)
    assert log.delivery == Delivery.WEEKLY and mail.outbox == []
    reason_goes(reason, employee=ana, course=course, liaison=liaison, day=day)

    scan.reminder_scan(today=day + timedelta(days=7))
    outbox.outbox_send()
    assert [m.subject for m in mail.outbox] == []
    log.refresh_from_db()
    assert (log.sent_at, log.skip_reason) == (None, reason)
    assert not Digest.objects.filter(entries=log).exists()


def test_weekly_digest_built_then_resolved_before_sending_is_skipped(
    ana, assign, day, course, liaison
):
    reminder_preference_set(employee=ana, delivery=Delivery.WEEKLY)
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    scan.reminder_scan(today=day + timedelta(days=7))  # the digest is built ...
    digest = Digest.objects.get(kind=Digest.Kind.WEEKLY)
    complete(ana, course)  # ... and the course completed before it is sent
    outbox.outbox_send()
    assert mail.outbox == []
    digest.refresh_from_db()
    assert (digest.sent_at, digest.skip_reason) == (None, SkipReason.COMPLETED)
    assert ReminderLog.objects.get(kind="before_due").skip_reason == SkipReason.COMPLETED


def test_liaison_digest_lists_only_who_still_owes_the_training(
    parks, ana, assign, day, course, liaison
):
    ben = EmployeeFactory(department=parks, user__first_name="Ben", user__last_name="Baca")
    assign(ana, day - timedelta(days=8))
    assign(ben, day - timedelta(days=8))
    scan.reminder_scan(today=day)  # overdue reminders, and escalations to the liaison
    assert Digest.objects.get(kind=Digest.Kind.LIAISON).entries.count() == 2
    complete(ana, course)

    outbox.outbox_send()
    to_liaison = [m for m in mail.outbox if m.to == [liaison.email]]
    assert len(to_liaison) == 1
    assert "Baca" in to_liaison[0].body and "Ruiz" not in to_liaison[0].body
    assert [m.to for m in mail.outbox if m is not to_liaison[0]] == [[ben.user.email]]
    assert set(ReminderLog.objects.filter(employee=ana).values_list("kind", "skip_reason")) == {
        ("overdue", SkipReason.COMPLETED),
        ("liaison", SkipReason.COMPLETED),
    }


def test_oei_digest_resolved_before_sending_is_skipped(ana, assign, day, course, oei_user):
    assign(ana, day - timedelta(days=31))
    scan.reminder_scan(today=day)
    assert Digest.objects.filter(kind=Digest.Kind.OEI, recipient=oei_user).exists()
    complete(ana, course)
    outbox.outbox_send()
    assert mail.outbox == []
    digest = Digest.objects.get(kind=Digest.Kind.OEI)
    assert digest.skip_reason == SkipReason.COMPLETED


def test_refresher_skipped_once_recertified(ana, assign, day, course, requirement):
    requirement.recertify_months = 12
    requirement.save()
    assign(ana, day)
    now = timezone.now()
    for lesson in course.lessons():
        course_services.lesson_complete(employee=ana, lesson=lesson, now=now - timedelta(days=350))
    scan.reminder_scan(today=timezone.localdate())
    log = ReminderLog.objects.get(kind="refresher")
    complete(ana, course)  # recertified today
    outbox.outbox_send()
    assert mail.outbox == []
    log.refresh_from_db()
    assert log.skip_reason == SkipReason.COMPLETED


@pytest.mark.parametrize("language", ["en", "es"])
def test_skip_reasons_read_in_both_languages(language):
    with translation.override(language):
        labels = [str(label) for label in SkipReason.labels]
    assert all(labels) and len(set(labels)) == len(labels)
    if language == "es":
        assert all(label.startswith("No enviado:") for label in labels), labels


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Not sent: the training was completed"),
        ("es", "No enviado: la capacitación ya se completó"),
    ],
)
def test_oei_reads_why_a_reminder_was_not_sent_in_the_admin(
    client, oei_user, ana, assign, day, course, language, text
):
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    complete(ana, course)
    outbox.outbox_send()
    client.force_login(oei_user)
    try:
        response = client.get(
            reverse("reminder-log:index") + "?skip_reason=completed",
            HTTP_ACCEPT_LANGUAGE=language,
        )
    finally:
        translation.activate("en")
    assert response.status_code == 200
    content = response.content.decode()
    assert ana.user.last_name in content and text in content
