"""The real thing: ``manage.py qcluster`` processes pick up the migration-made daily schedule,
run the scan and send through a file email backend; two clusters at once send each reminder
once. Runs with the ORM broker, and again with Redis (marked ``redis``; bin/test starts one)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django_q.models import OrmQ, Schedule, Success

from lms.compliance.models import Assignment
from lms.compliance.services import assignments_sync
from lms.reminders.models import ReminderLog
from lms.reminders.services import schedules
from tests.factories import DepartmentFactory, EmployeeFactory, TrainingRequirementFactory

REPO = Path(__file__).resolve().parents[2]
WAIT = 150  # seconds: a cluster consults its schedules about 30 s after it starts


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_cluster(
    mail_dir: Path | None, log: Path, redis_url: str, extra_env: dict | None = None
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "Q_SYNC": "False",
        "DATABASE_URL": database_url(),
        "TEST_EMAIL_DIR": str(mail_dir) if mail_dir else "",
        "REDIS_URL": redis_url,
        "Q_WORKERS": "1",
        **(extra_env or {}),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def recipients(mail_dir: Path) -> list[str]:
    """One entry per message the file backend wrote."""
    found = []
    for path in mail_dir.glob("*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                found.append(line[4:].strip())
    return found


def scheduled_scan_sends_each_reminder_once(tmp_path, *, redis_url: str, clusters: int):
    department = DepartmentFactory()
    people = [EmployeeFactory(department=department) for _ in range(3)]
    from tests.conftest import CoursePageFactory  # noqa: F401 - the course fixture built it

    requirement = TrainingRequirementFactory(
        course=pytest.course, active_from=timezone.localdate() - timedelta(days=30)
    )
    assignments_sync(requirements=[requirement])
    Assignment.objects.update(due_on=timezone.localdate() + timedelta(days=7))
    schedules.schedules_ensure()  # what migration 0002 did before this test database was flushed
    Schedule.objects.filter(name=schedules.SCAN_SCHEDULE).update(
        next_run=timezone.now() - timedelta(minutes=1)
    )
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    processes = [
        start_cluster(mail_dir, tmp_path / f"cluster{n}.log", redis_url) for n in range(clusters)
    ]
    try:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and len(recipients(mail_dir)) < len(people):
            assert all(p.poll() is None for p in processes), "a qcluster exited"
            time.sleep(1)
        # Let every cluster's scheduler have its turn at the schedule, and the queue drain.
        time.sleep(35 if clusters > 1 else 2)
        while time.monotonic() < deadline and OrmQ.objects.exists():
            time.sleep(1)
    finally:
        for process in processes:
            stop(process)
    logs = "\n".join(p.read_text() for p in tmp_path.glob("cluster*.log"))
    assert sorted(recipients(mail_dir)) == sorted(p.user.email for p in people), logs
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == len(people)
    assert Success.objects.filter(func="lms.reminders.tasks.reminder_scan_daily").exists()
    next_run = Schedule.objects.get(name=schedules.SCAN_SCHEDULE).next_run
    assert next_run > timezone.now()  # rescheduled for tomorrow


@pytest.fixture
def course_for_cluster(course):
    pytest.course = course
    yield course
    del pytest.course


@pytest.mark.django_db(transaction=True)
def test_qcluster_orm_broker_two_clusters(tmp_path, course_for_cluster):
    assert "orm" in settings.Q_CLUSTER or os.environ.get("REDIS_URL")
    scheduled_scan_sends_each_reminder_once(tmp_path, redis_url="", clusters=2)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_qcluster_redis_broker(tmp_path, course_for_cluster):
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        pytest.skip("needs REDIS_URL (bin/test starts a throwaway redis-server)")
    scheduled_scan_sends_each_reminder_once(tmp_path, redis_url=redis_url, clusters=2)
