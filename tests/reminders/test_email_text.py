"""Every email the LMS sends is written as text: its subject is never HTML-escaped and always
one line, and its plain-text part holds no HTML entity and no tag, in English and in Spanish,
whatever a course, a requirement or a person is called.

The kinds: the four reminders an employee receives (before the due date, on it, overdue, the
recertification window), the three digests (an employee's week, a liaison's and OEI's
escalations), the reminder a liaison sends from the roster, and the password reset.
"""

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from django.urls import reverse

from lms.reminders import emails
from lms.reminders.models import Delivery, Digest, ReminderLog
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


TITLE = "Albuquerque's rights & duties <2025>"
REQUIREMENT = 'Know-your-rights & "ICE" agents < 18 y/o, Q&A\'s'
NAME = "D'Arcy & Co <3"

ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def check_text(message, *, subject_has: str = "", body_has: tuple[str, ...] = ()) -> None:
    subject = message.subject
    assert "\n" not in subject and "\r" not in subject, subject
    assert subject == " ".join(subject.split()), subject
    assert not ENTITY.search(subject), subject
    assert subject_has in subject, subject
    # As the recipient's mail program reads it (long headers are folded on the wire).
    parsed = message_from_bytes(message.message().as_bytes(), policy=policy.default)
    assert str(parsed["Subject"]) == subject
    body = message.body
    assert not ENTITY.search(body), body
    assert not TAG.search(body), body
    for text in body_has:
        assert text in body, (text, body)


@pytest.fixture
def named(course, requirement):
    course.title = TITLE
    course.save_revision().publish()
    requirement.name = REQUIREMENT
    requirement.save()
    return course


@pytest.fixture(params=["en", "es"])
def language(request):
    return request.param


@pytest.fixture
def person(parks, named, assign, day, language):
    employee = EmployeeFactory(
        department=parks,
        preferred_language=language,
        user__first_name=NAME,
        user__last_name="O'Neil",
    )
    return employee, assign(employee, day - timedelta(days=3))


def log(employee, assignment, kind, day, **fields):
    return ReminderLog.objects.create(
        assignment=assignment,
        employee=employee,
        kind=kind,
        period=day,
        due_on=day - timedelta(days=3),
        milestone=3,
        delivery=Delivery.SINGLE,
        scan_date=day,
        **fields,
    )


@pytest.mark.parametrize("kind", list(ReminderLog.EMPLOYEE_KINDS))
def test_reminders_of_each_kind(person, day, kind):
    employee, assignment = person
    message = emails.reminder_message(
        log(employee, assignment, kind, day), connection=None, links=emails.Links()
    )
    check_text(message, subject_has=TITLE, body_has=(TITLE, NAME))


@pytest.mark.parametrize(
    "kind", [Digest.Kind.WEEKLY, Digest.Kind.LIAISON, Digest.Kind.OEI, Digest.Kind.NUDGE]
)
def test_digests_of_each_kind(person, day, kind):
    employee, assignment = person
    entry = log(
        employee,
        assignment,
        {
            Digest.Kind.WEEKLY: ReminderLog.Kind.OVERDUE,
            Digest.Kind.LIAISON: ReminderLog.Kind.LIAISON,
            Digest.Kind.OEI: ReminderLog.Kind.OEI,
            Digest.Kind.NUDGE: ReminderLog.Kind.NUDGE,
        }[kind],
        day,
    )
    # The recipient reads in the language of their own employee record (here, the same person).
    digest = Digest.objects.create(recipient=employee.user, kind=kind, period=day, scan_date=day)
    digest.entries.add(entry)
    message = emails.digest_message(digest, connection=None, links=emails.Links())
    employees_own = (Digest.Kind.WEEKLY, Digest.Kind.NUDGE)
    expected = (TITLE,) if kind in employees_own else (REQUIREMENT, "O'Neil")
    check_text(message, body_has=(NAME, *expected))


def test_password_reset(client, language):
    employee = EmployeeFactory(preferred_language=language, user__email="o'neil&co@cabq.example")
    response = client.post(
        reverse("password_reset"),
        {"email": employee.user.email},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    check_text(message, body_has=(employee.user.email,))
