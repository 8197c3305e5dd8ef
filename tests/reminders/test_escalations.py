"""Escalations reach every liaison of the department, and every OEI administrator, exactly once:
also when one of them already had that day's digest when the escalation was logged."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from lms.organisation import roles
from lms.reminders.models import Digest
from lms.reminders.services import outbox, scan
from tests.factories import DepartmentFactory, EmployeeFactory, LiaisonFactory, UserFactory
from tests.reminders.conftest import DAY

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.reminders.backends.FailingBackend"


def run(day):
    """One scheduled run on ``day``; its sender's clock moves with the day, so a send refused
    on one day is retried (its backoff over) on the next."""
    scan.reminder_scan(today=day)
    return outbox.outbox_send(now=timezone.now() + (day - DAY))


def mail_to(user) -> list[str]:
    return [message.body for message in mail.outbox if message.to == [user.email]]


def times_told(user, employee) -> int:
    return sum(employee.employee_number in body for body in mail_to(user))


def test_a_later_escalation_reaches_the_liaison_whose_digest_went_out(
    parks, assign, day, liaison, settings
):
    settings.EMAIL_BACKEND = FAILING
    other = LiaisonFactory(
        department=parks,
        user__username="lia.two",
        user__email="lia.will.fail@cabq.example",
        designated_on=day - timedelta(days=90),
    ).user
    first, second = EmployeeFactory(department=parks), EmployeeFactory(department=parks)
    assign(first, day - timedelta(days=7))
    run(day)  # the liaison's digest goes out; the other's mail server refuses it for now
    assert times_told(liaison, first) == 1
    assert Digest.objects.get(recipient=other).attempts == 1
    # Later that day (say, the roster brought in someone long overdue), a second scan.
    assign(second, day - timedelta(days=7))
    run(day)
    settings.EMAIL_BACKEND = LOCMEM
    for offset in (1, 1, 2, 3):
        run(day + timedelta(days=offset))
    for user in (liaison, other):
        assert (times_told(user, first), times_told(user, second)) == (1, 1), user
    # The one who had the day's digest hears of the later one in the next day's digest.
    assert list(
        Digest.objects.filter(recipient=liaison).order_by("period").values_list("period", flat=True)
    ) == [day, day + timedelta(days=1)]
    assert len(mail_to(liaison)) == 2 and len(mail_to(other)) == 1


def test_a_liaison_designated_later_is_not_sent_what_others_were_told(parks, assign, day, liaison):
    earlier, later = EmployeeFactory(department=parks), EmployeeFactory(department=parks)
    assign(earlier, day - timedelta(days=7))
    run(day)
    newcomer = LiaisonFactory(
        department=parks, user__username="lia.new", designated_on=day + timedelta(days=3)
    ).user
    # A department nobody was liaison for: its escalation waits for the first liaison.
    roads = DepartmentFactory(code="ROADS")
    unheard = EmployeeFactory(department=roads)
    assign(unheard, day - timedelta(days=6))
    run(day + timedelta(days=1))
    first_of_roads = LiaisonFactory(
        department=roads, user__username="lia.roads", designated_on=day + timedelta(days=3)
    ).user
    assign(later, day + timedelta(days=3) - timedelta(days=7))
    for offset in (3, 3, 4):
        run(day + timedelta(days=offset))
    assert (times_told(liaison, earlier), times_told(liaison, later)) == (1, 1)
    assert (times_told(newcomer, earlier), times_told(newcomer, later)) == (0, 1)
    assert len(mail_to(newcomer)) == 1
    assert times_told(first_of_roads, unheard) == 1 and len(mail_to(first_of_roads)) == 1


def test_every_oei_administrator_gets_every_escalation_once(parks, assign, day, oei_user, settings):
    settings.EMAIL_BACKEND = FAILING
    other = UserFactory(
        username="oei.two", email="oei.will.fail@cabq.example", roles=[roles.OEI_ADMIN]
    )
    first, second = EmployeeFactory(department=parks), EmployeeFactory(department=parks)
    assign(first, day - timedelta(days=30))
    run(day)
    assert times_told(oei_user, first) == 1
    assign(second, day - timedelta(days=30))
    run(day)
    settings.EMAIL_BACKEND = LOCMEM
    run(day + timedelta(days=1))
    newcomer = UserFactory(username="oei.new", roles=[roles.OEI_ADMIN])
    for offset in (2, 2, 3):
        run(day + timedelta(days=offset))
    for user in (oei_user, other):
        assert (times_told(user, first), times_told(user, second)) == (1, 1), user
    assert mail_to(newcomer) == []  # joined after both were told: no flood of old ones
