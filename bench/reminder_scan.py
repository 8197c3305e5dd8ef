"""Reminder scan: the daily scan of 100,000 employees x 10 requirements, against its bare query.

Run from the repository root: ``uv run python bench/reminder_scan.py``. On a throwaway SQLite
file it builds a synthetic city of 100,000 employees (seed 6) under 10 citywide requirements,
assigned over five weeks and with completions of every age (bench/_city.py), then prints:

- ``reminder_scan_100k``: the time of ``scan.reminder_scan`` (find, classify, leave out
  what is logged, insert, build the digests) against a baseline that runs the same bare
  candidate query and bulk-inserts the same log rows, with nothing else; budget <= 60 s and
  <= 1.2 x the baseline. The baseline runs first and is rolled back, so both start empty.

Sending is not timed: a sample of messages is sent to the in-memory backend afterwards and its
rate printed.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DEBUG"] = "False"
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
os.environ["EMAIL_URL"] = "memorymail://"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench._common import django_on_fresh_database, stopwatch  # noqa: E402

django_on_fresh_database()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench._city import build_city  # noqa: E402
from lms.compliance.models import Assignment  # noqa: E402
from lms.organisation.models import Employee  # noqa: E402
from lms.reminders.models import ReminderLog  # noqa: E402
from lms.reminders.services import outbox, scan  # noqa: E402

EMPLOYEES = 100_000
SEED = 6
BUDGET_SECONDS = 60
MAX_RATIO = 1.2
SEND_SAMPLE = 2_000


def baseline(*, today, rows: list[scan.LogRow]) -> float:
    """The bare candidate query, read in full, and the bulk insert of the log rows."""
    policy = scan.policy_current()
    in_window, _months, _windows = scan._in_window(today=today)
    with transaction.atomic():
        with stopwatch() as lap:
            found = sum(
                1
                for _row in scan.candidate_query(
                    policy=policy, today=today, in_window=in_window
                ).iterator(chunk_size=5000)
            )
            scan.log_rows_insert(rows, scan_date=today)
        assert found and ReminderLog.objects.count() == len(rows)
        transaction.set_rollback(True)
    return lap.seconds


def main() -> None:
    today = timezone.localdate()
    with stopwatch() as lap:
        completions = build_city(employees=EMPLOYEES, seed=SEED)
    print(
        f"city: {Employee.objects.count():,} employees, {Assignment.objects.count():,} "
        f"assignments, {completions:,} completions, built in {lap.seconds:.1f} s",
        flush=True,
    )
    rows = scan.candidate_rows(policy=scan.policy_current(), today=today)
    base = baseline(today=today, rows=rows)
    with stopwatch() as lap:
        result = scan.reminder_scan(today=today)
    seconds = lap.seconds
    logged = ", ".join(f"{kind} {count:,}" for kind, count in sorted(result.logged.items()))
    print(f"scan logged {result.total:,} reminders ({logged}) in {seconds:.2f} s", flush=True)
    print(f"baseline (bare candidate query + bulk insert of the same rows): {base:.2f} s")
    with stopwatch() as again:
        second = scan.reminder_scan(today=today)
    print(f"second scan the same day: {second.total} new in {again.seconds:.2f} s")
    assert second.total == 0

    from django.core import mail

    mail.outbox = []
    with stopwatch() as sending:
        sent = outbox.outbox_send(limit=SEND_SAMPLE)
    print(
        f"sending (not timed in the scan): {sent.sent:,} messages in {sending.seconds:.2f} s "
        f"({sent.sent / sending.seconds:.0f}/s) to the in-memory backend"
    )
    ratio = seconds / base
    passed = round(seconds, 2) <= BUDGET_SECONDS and round(ratio, 2) <= MAX_RATIO
    print(
        f"RESULT name=reminder_scan_100k value={seconds:.2f} unit=s baseline={base:.2f} "
        f"ratio={ratio:.2f} budget=<={BUDGET_SECONDS}s,<={MAX_RATIO:g}x "
        f"pass={'yes' if passed else 'no'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
