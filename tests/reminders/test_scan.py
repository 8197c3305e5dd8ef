"""The scan and the sender: each reminder exactly once, whatever happens."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from courses import services as course_services
from lms.compliance.models import Assignment, Exemption
from lms.compliance.services import extension_grant
from lms.reminders import tasks
from lms.reminders.models import Delivery, Digest, ReminderLog, ReminderPolicy
from lms.reminders.services import outbox, preferences, scan, schedules
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def run(day):
    """One scheduled run on ``day``: the scan, then sending."""
    scan.reminder_scan(today=day)
    return outbox.outbox_send()


def kinds():
    return sorted(ReminderLog.objects.values_list("kind", "milestone"))


def test_milestones_from_thirty_days_before_to_overdue_each_once(ana, assign, day):
    assign(ana, day + timedelta(days=30))
    expected = {
        0: [("before_due", 30)],
        23: [("before_due", 7)],
        29: [("before_due", 1)],
        30: [("due", 0)],
        31: [("overdue", 1)],
        38: [("overdue", 8)],
        45: [("overdue", 15)],
    }
    total = 0
    for offset in range(0, 46):
        mine = ReminderLog.objects.filter(kind__in=ReminderLog.EMPLOYEE_KINDS).order_by("pk")
        before = mine.count()
        run(day + timedelta(days=offset))
        run(day + timedelta(days=offset))  # twice a day: nothing new
        new = list(mine[before:].values_list("kind", "milestone"))
        assert new == expected.get(offset, []), offset
        total += len(new)
        assert len(mail.outbox) == total
    assert all(message.to == [ana.user.email] for message in mail.outbox)
    assert not ReminderLog.objects.filter(kind__in=ReminderLog.EMPLOYEE_KINDS, sent_at=None)


def test_three_day_outage_sends_one_message_per_reminder_due(ana, assign, day):
    ReminderPolicy.objects.update_or_create(pk=1, defaults={"overdue_every_days": 1})
    policy = ReminderPolicy.load()
    policy.overdue_every_days = 1
    policy.save()
    assign(ana, day - timedelta(days=1))
    run(day)
    assert len(mail.outbox) == 1
    # Down for three days: the next run sends today's reminder only, not the three missed.
    run(day + timedelta(days=4))
    assert len(mail.outbox) == 2
    assert ReminderLog.objects.filter(kind="overdue").count() == 2


def test_outage_over_two_milestones_sends_the_latest_only(ana, assign, day):
    assign(ana, day + timedelta(days=8))
    run(day)  # 8 days before: the 30-day reminder
    run(day + timedelta(days=8))  # down for a week; today is the due date
    assert kinds() == [("before_due", 30), ("due", 0)]
    assert len(mail.outbox) == 2


def test_crash_between_logging_and_sending_is_completed_without_duplicates(ana, assign, day):
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)  # ... and the process dies before sending
    assert len(mail.outbox) == 0
    assert ReminderLog.objects.filter(sent_at__isnull=True).count() == 1
    tasks.reminder_scan_daily(day.isoformat())
    tasks.reminder_scan_daily(day.isoformat())
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.get().sent_at is not None


def test_a_sender_that_died_holding_rows_releases_them_after_the_lease(ana, assign, day):
    assign(ana, day + timedelta(days=7))
    scan.reminder_scan(today=day)
    now = timezone.now()
    token = outbox._claim(ReminderLog, now=now, size=10)  # claimed, then the sender died
    assert token is not None
    assert outbox.outbox_send(now=now).sent == 0  # another sender leaves it alone
    assert outbox.outbox_send(now=now + outbox.LEASE + timedelta(seconds=1)).sent == 1
    assert len(mail.outbox) == 1


def test_failed_sends_are_retried_with_backoff_and_reported(parks, assign, day, settings):
    settings.EMAIL_BACKEND = "tests.reminders.backends.FailingBackend"
    failing = EmployeeFactory(department=parks, user__email="will.fail@cabq.example")
    fine = EmployeeFactory(department=parks)
    assign(failing, day + timedelta(days=7))
    assign(fine, day + timedelta(days=7))
    now = timezone.now()
    scan.reminder_scan(today=day)
    result = outbox.outbox_send(now=now)
    assert (result.sent, result.failed) == (1, 1)
    row = ReminderLog.objects.get(employee=failing)
    assert row.attempts == 1 and "refused" in row.last_error
    assert row.next_try_at == now + outbox.BACKOFF
    assert list(outbox.failures()) == [row]
    assert outbox.outbox_send(now=now + timedelta(minutes=1)).failed == 0  # backing off
    assert outbox.outbox_send(now=now + timedelta(minutes=6)).failed == 1
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_try_at == now + timedelta(minutes=6) + 4 * outbox.BACKOFF
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.outbox_send(now=now + timedelta(hours=1)).sent == 1
    assert len(mail.outbox) == 2
    assert not outbox.failures().exists()


def test_exempt_extended_and_inactive_are_respected(parks, assign, day, liaison):
    exempt, extended, left, dropped = (EmployeeFactory(department=parks) for _ in range(4))
    for employee in (exempt, extended, left, dropped):
        assign(employee, day + timedelta(days=7))
    Exemption.objects.create(
        assignment=Assignment.objects.get(employee=exempt), reason="Leave", granted_by=liaison
    )
    extension_grant(
        assignment=Assignment.objects.get(employee=extended),
        new_due_on=day + timedelta(days=60),
        reason="Leave",
        granted_by=liaison,
    )
    left.is_active = False
    left.save()
    Assignment.objects.filter(employee=dropped).update(is_active=False)
    run(day)
    # Only the extended one, and for its new date (the 30-day band is not reached yet).
    assert ReminderLog.objects.count() == 0
    run(day + timedelta(days=30))
    log = ReminderLog.objects.get()
    assert (log.employee, log.due_on, log.milestone) == (extended, day + timedelta(days=60), 30)


def test_completed_training_gets_no_reminder(ana, assign, day, course):
    assign(ana, day + timedelta(days=7))
    for lesson in course.lessons():
        course_services.lesson_complete(employee=ana, lesson=lesson)
    run(day)
    assert ReminderLog.objects.count() == 0


def test_refresher_once_per_completion_when_its_window_opens(ana, assign, day, course, requirement):
    requirement.recertify_months = 12
    requirement.window_days = 30
    requirement.save()
    assign(ana, day - timedelta(days=300))
    now = timezone.now()
    for lesson in course.lessons():
        course_services.lesson_complete(employee=ana, lesson=lesson, now=now - timedelta(days=320))
    today = timezone.localdate()
    run(today)
    assert ReminderLog.objects.count() == 0  # expires in ~45 days: window not open yet
    run(today + timedelta(days=20))
    run(today + timedelta(days=21))
    log = ReminderLog.objects.get()
    assert log.kind == "refresher"
    assert log.period == log.due_on - timedelta(days=30)
    assert len(mail.outbox) == 1
    assert course.title in mail.outbox[0].body


def test_two_concurrent_scans_do_not_double_send(transactional_db, day, course, requirement):
    from tests.factories import DepartmentFactory

    department = DepartmentFactory()
    employees = [EmployeeFactory(department=department) for _ in range(20)]
    from lms.compliance.services import assignments_sync

    assignments_sync(requirements=[requirement], today=day)
    Assignment.objects.update(due_on=day + timedelta(days=7))
    errors = []
    barrier = threading.Barrier(3)

    def cluster():
        try:
            barrier.wait()
            tasks.reminder_scan_daily(day.isoformat())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cluster) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert ReminderLog.objects.count() == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in employees)


def test_weekly_digest_instead_of_single_emails(ana, assign, day):
    preferences.reminder_preference_set(employee=ana, delivery=Delivery.WEEKLY)
    assign(ana, day + timedelta(days=7))
    run(day)
    run(day + timedelta(days=6))
    assert len(mail.outbox) == 0
    assert ReminderLog.objects.filter(delivery=Delivery.WEEKLY).count() == 2
    run(day + timedelta(days=7))  # next Monday: last week's two reminders in one digest
    run(day + timedelta(days=8))
    assert len(mail.outbox) == 1
    digest = Digest.objects.get()
    assert digest.kind == "weekly" and digest.entries.count() == 2
    assert ReminderLog.objects.filter(sent_at__isnull=True, kind="before_due").count() == 0
    assert "2 reminders" in mail.outbox[0].subject


def test_liaison_and_oei_digests_once_each(parks, assign, day, liaison, oei_user):
    late = [EmployeeFactory(department=parks) for _ in range(3)]
    for n, employee in enumerate(late):
        assign(employee, day - timedelta(days=7 + 5 * n))  # 7, 12 and 17 days overdue
    run(day)
    run(day)
    liaison_mail = [m for m in mail.outbox if m.to == [liaison.email]]
    assert len(liaison_mail) == 1
    assert all(e.employee_number in liaison_mail[0].body for e in late)
    assert not [m for m in mail.outbox if m.to == [oei_user.email]]
    run(day + timedelta(days=13))  # the last one is now 30 days overdue
    run(day + timedelta(days=13))
    oei_mail = [m for m in mail.outbox if m.to == [oei_user.email]]
    assert len(oei_mail) == 1
    assert late[2].employee_number in oei_mail[0].body
    assert late[0].employee_number not in oei_mail[0].body  # 20 days overdue
    assert len([m for m in mail.outbox if m.to == [liaison.email]]) == 1


def test_schedules_exist_once(db):
    from django_q.models import Schedule

    schedules.schedules_ensure()
    schedules.schedules_ensure()
    ours = [schedules.SCAN_SCHEDULE, schedules.SEND_SCHEDULE, schedules.SYNC_SCHEDULE]
    names = sorted(Schedule.objects.filter(name__in=ours).values_list("name", flat=True))
    assert names == sorted(ours)
    daily = Schedule.objects.get(name=schedules.SCAN_SCHEDULE)
    assert daily.func == "lms.reminders.tasks.reminder_scan_daily" and daily.schedule_type == "D"


def test_the_scans_memoized_read_gives_the_querysets_own_rows(parks, assign, course, requirement):
    """The scan reads its candidates with values_memoized (each distinct value converted
    once): the rows equal the ORM's own, dates, datetimes and NULLs included."""
    requirement.recertify_months = 12
    requirement.window_days = 30
    requirement.save()
    policy = scan.policy_current()
    today = timezone.localdate()
    people = [EmployeeFactory(department=parks) for _ in range(4)]
    for n, person in enumerate(people):
        assign(person, today + timedelta(days=n % 2))  # two people share each due date
    now = timezone.now()
    for lesson in course.lessons():  # expires in five days: its refresher window is open
        course_services.lesson_complete(
            employee=people[0], lesson=lesson, now=now - timedelta(days=360)
        )
    in_window, _months, _windows = scan._in_window(today=today)
    query = scan.candidate_query(policy=policy, today=today, in_window=in_window)
    expected = list(query)
    assert len({row[3] for row in expected}) < len(expected)  # a due date shared
    assert any(row[4] is None for row in expected)  # not completed: NULL datetimes
    assert any(row[4] is not None for row in expected)  # a refresher: a completion's datetime
    # In any order: PostgreSQL may plan a chunked (cursor) read differently.
    assert sorted(scan.values_memoized(query, chunk_size=2)) == sorted(expected)
