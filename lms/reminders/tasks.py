"""django-q2 tasks behind the schedules that the migration ``0002_schedules`` creates."""

from datetime import date

from lms.compliance.services import assignments_sync
from lms.reminders.services import nudges, outbox, scan


def reminder_scan_daily(day: str | None = None) -> str:
    """The daily scan, then the sending of what it logged (and of anything left before)."""
    today = date.fromisoformat(day) if day else None
    scanned = scan.reminder_scan(today=today)
    nudges.nudges_log()
    sent = outbox.outbox_send()
    return (
        f"{scanned.day}: logged {scanned.total} reminders, {scanned.digests} digests; "
        f"sent {sent.sent}, failed {sent.failed}, skipped {sent.skipped}, "
        f"not needed {sent.not_needed}"
    )


def reminders_send_pending() -> str:
    """Retries and leftovers: what is unsent and due (backoff elapsed) goes out, and any
    liaison's request whose own task was lost."""
    nudges.nudges_log()
    sent = outbox.outbox_send()
    return (
        f"sent {sent.sent}, failed {sent.failed}, skipped {sent.skipped}, "
        f"not needed {sent.not_needed}"
    )


def assignments_sync_daily() -> str:
    """Requirements whose active-from date has come take effect that day; leavers drop out."""
    stats = assignments_sync()
    return (
        f"created {stats.created}, reactivated {stats.reactivated}, deactivated {stats.deactivated}"
    )


def nudges_send(day: str | None = None) -> str:
    """A liaison asked to remind people: their requests go into the outbox, which sends."""
    logged = nudges.nudges_log()
    sent = outbox.outbox_send()
    return (
        f"{logged} requests; sent {sent.sent}, failed {sent.failed}, not needed {sent.not_needed}"
    )
