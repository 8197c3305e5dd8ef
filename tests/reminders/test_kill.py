"""At most once, for real: a sender killed (SIGKILL) right after the mail server accepted a
message and before it recorded so does not send that message again.

A real SMTP server (aiosmtpd) listens on 127.0.0.1; the real sender runs in another process
(``manage.py send_reminders``, or a ``qcluster`` running the daily schedule) on this test's
database file, with its mail settings pointing at that server. The server's DATA handler keeps
the message, then kills the sending process before answering "250". Once the dead sender's
claim has expired, the command runs again: every message reached the server exactly once, and
the interrupted one is "may not have been sent" for OEI to check.
"""

import asyncio
import email
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from django_q.models import Schedule

from lms.compliance.models import Assignment, ReminderRequest
from lms.compliance.services import assignments_sync
from lms.reminders import selectors
from lms.reminders.models import Digest, ReminderLog
from lms.reminders.services import outbox, schedules
from tests.factories import (
    DepartmentFactory,
    EmployeeFactory,
    TrainingRequirementFactory,
    UserFactory,
)
from tests.reminders.test_qcluster import REPO, database_url, start_cluster, stop

WAIT = 150  # seconds: a cluster consults its schedules about 30 s after it starts


class Server:
    """Keeps every message it accepts; kills ``victim`` (a process group) on message
    ``kill_at``, after keeping it and before answering."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.kill_at: int | None = None
        self.victim: int | None = None
        self.killed = False

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        if len(self.messages) == self.kill_at and self.victim:
            os.killpg(self.victim, signal.SIGKILL)
            self.killed = True
            await asyncio.sleep(0.5)  # the sender is gone before it could hear the answer
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    server = Server()
    controller = Controller(server, hostname="127.0.0.1", port=free_port())
    controller.start()
    server.url = f"smtp://127.0.0.1:{controller.port}"
    yield server
    controller.stop()


def subprocess_env(smtp) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "TEST_EMAIL_URL": smtp.url,
        "TEST_EMAIL_DIR": "",
    }


def send_reminders(smtp, day, *, kill_at=None) -> subprocess.CompletedProcess:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders", "--date", day.isoformat()],
        cwd=REPO,
        env=subprocess_env(smtp),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    smtp.victim, smtp.kill_at = process.pid, kill_at
    output, _ = process.communicate(timeout=WAIT)
    smtp.victim = smtp.kill_at = None
    return subprocess.CompletedProcess(process.args, process.returncode, output)


def three_reminders_due(course, day) -> list:
    department = DepartmentFactory()
    people = [EmployeeFactory(department=department) for _ in range(3)]
    requirement = TrainingRequirementFactory(course=course, active_from=day - timedelta(days=30))
    assignments_sync(requirements=[requirement], today=day)
    Assignment.objects.update(due_on=day + timedelta(days=7))
    return people


def claims_expire(model=ReminderLog) -> None:
    """Time passes beyond the dead sender's lease."""
    model.objects.filter(claimed_until__isnull=False).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )


def after_the_crash_each_message_went_once(smtp, day, people) -> None:
    # The killed sender left the message the server accepted in "sending", not "sent".
    interrupted = ReminderLog.objects.get(sending_at__isnull=False, sent_at__isnull=True)
    assert interrupted.claim is not None and not interrupted.uncertain
    received = len(smtp.messages)

    claims_expire()
    again = send_reminders(smtp, day)
    assert again.returncode == 0, again.stdout
    again = send_reminders(smtp, day)  # and once more: nothing new
    assert again.returncode == 0, again.stdout

    ids = smtp.message_ids()
    assert len(ids) == len(set(ids)) == len(people), ids
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.user.email for p in people)
    assert len(smtp.messages) == len(people) >= received
    interrupted.refresh_from_db()
    assert interrupted.uncertain and interrupted.sent_at is None
    assert interrupted.status == ReminderLog.Status.UNCERTAIN
    assert list(outbox.failures()) == [interrupted]
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == len(people) - 1
    # Its Message-ID is the one the server received for it, made from the row's key.
    assert f"<reminder.{interrupted.assignment_id}." in " ".join(ids)


@pytest.mark.django_db(transaction=True)
def test_command_killed_after_the_server_accepted_does_not_send_twice(smtp, course, day):
    people = three_reminders_due(course, day)
    first = send_reminders(smtp, day, kill_at=2)
    assert smtp.killed and first.returncode == -signal.SIGKILL, first.stdout
    assert len(smtp.messages) == 2
    after_the_crash_each_message_went_once(smtp, day, people)


@pytest.mark.django_db(transaction=True)
def test_cluster_killed_after_the_server_accepted_does_not_send_twice(tmp_path, smtp, course):
    today = timezone.localdate()
    people = three_reminders_due(course, today)
    schedules.schedules_ensure()
    Schedule.objects.filter(name=schedules.SCAN_SCHEDULE).update(
        next_run=timezone.now() - timedelta(minutes=1)
    )
    smtp.kill_at = 2
    cluster = start_cluster(
        None, tmp_path / "cluster.log", "", extra_env={"TEST_EMAIL_URL": smtp.url}
    )
    smtp.victim = cluster.pid
    try:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and not smtp.killed:
            time.sleep(0.5)
        cluster.wait(timeout=30)
    finally:
        stop(cluster)
    smtp.victim = smtp.kill_at = None
    assert smtp.killed, (tmp_path / "cluster.log").read_text()
    assert len(smtp.messages) == 2
    after_the_crash_each_message_went_once(smtp, today, people)


def three_liaison_reminders_requested(course, day) -> list:
    """A liaison asked to remind three people whose training is due in 60 days (no scheduled
    reminder yet: the liaison's are the only messages)."""
    department = DepartmentFactory()
    people = [EmployeeFactory(department=department) for _ in range(3)]
    requirement = TrainingRequirementFactory(course=course, active_from=day - timedelta(days=30))
    assignments_sync(requirements=[requirement], today=day)
    Assignment.objects.update(due_on=day + timedelta(days=60))
    liaison = UserFactory()
    for person in people:
        ReminderRequest.objects.create(employee=person, day=day, requested_by=liaison)
    return people


@pytest.mark.django_db(transaction=True)
def test_liaison_reminders_killed_after_the_server_accepted_are_not_sent_twice(smtp, course):
    day = timezone.localdate()
    people = three_liaison_reminders_requested(course, day)
    first = send_reminders(smtp, day, kill_at=2)
    assert smtp.killed and first.returncode == -signal.SIGKILL, first.stdout
    assert len(smtp.messages) == 2
    interrupted = Digest.objects.get(sending_at__isnull=False, sent_at__isnull=True)
    assert interrupted.kind == Digest.Kind.NUDGE and not interrupted.uncertain

    claims_expire(Digest)
    for _ in range(2):
        again = send_reminders(smtp, day)
        assert again.returncode == 0, again.stdout

    ids = smtp.message_ids()
    assert len(ids) == len(set(ids)) == len(people), ids
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.user.email for p in people)
    interrupted.refresh_from_db()
    assert interrupted.status == Digest.Status.UNCERTAIN and interrupted.sent_at is None
    assert selectors.outbox_to_check()[1] == [interrupted]
    assert Digest.objects.filter(sent_at__isnull=False).count() == len(people) - 1
    assert f"<digest.{interrupted.recipient_id}.nudge.{day:%Y%m%d}@" in " ".join(ids)
    # Each request is carried out by its own outbox row; the requests stay as they were.
    assert ReminderRequest.objects.filter(outbox__isnull=False, sent_at=None).count() == 3
