"""Preview or run one day of reminders by hand: ``manage.py send_reminders [--dry-run]
[--date YYYY-MM-DD]``. The same scan and sender as the daily schedule, so running it on a day
the schedule also ran sends nothing twice."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lms.reminders.models import ReminderLog
from lms.reminders.services import nudges, outbox, scan

#: The days it makes sense to run reminders for: the LMS's past, and a few years ahead.
EARLIEST = date(2000, 1, 1)
YEARS_AHEAD = 5


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value[:40]!r}") from None
    latest = timezone.localdate() + timedelta(days=365 * YEARS_AHEAD + 1)
    if not EARLIEST <= day <= latest:
        raise CommandError(
            f"--date must be between {EARLIEST.isoformat()} and {latest.isoformat()} "
            f"(today + {YEARS_AHEAD} years), not {day.isoformat()}"
        )
    return day


class Command(BaseCommand):
    help = "Log and send the reminders due on a day (today by default); --dry-run previews."

    def add_arguments(self, parser):
        parser.add_argument("--date", type=str, help="the day to scan, YYYY-MM-DD (default today)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="show what would be logged; write and send nothing",
        )

    def handle(self, *args, **options):
        day = _day(options["date"]) if options["date"] else None
        dry_run = options["dry_run"]
        scanned = scan.reminder_scan(today=day, dry_run=dry_run)
        labels = dict(ReminderLog.Kind.choices)
        verb = "would log" if dry_run else "logged"
        self.stdout.write(f"{scanned.day}: {verb} {scanned.total} reminder(s)")
        for kind, count in sorted(scanned.logged.items()):
            self.stdout.write(f"  {labels.get(kind, kind)}: {count}")
        if dry_run:
            return
        self.stdout.write(f"  digests created: {scanned.digests}")
        nudges.nudges_log()
        sent = outbox.outbox_send()
        self.stdout.write(
            f"sent {sent.sent}, failed {sent.failed} (retried later), skipped {sent.skipped}, "
            f"not needed {sent.not_needed}"
        )
