"""The dates the LMS accepts from a person at all.

A date typed into a form (a new due date, the end of an exemption, a report period, a day to
run reminders for) is checked against these bounds before anything computes with it: 9999-12-31
is a valid date, but one day later is not, and a reminder, a report week or a recertification
window computed past it would be an OverflowError (a 500), not an answer.

It is also the one home of the calendar arithmetic every app shares: months added to a moment,
when a completion expires, and when a recertification window opens.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def out_of_range_message() -> str:
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST.isoformat(),
        "latest": LATEST.isoformat(),
    }


def validate_date_in_range(value: date) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(out_of_range_message(), code="date_out_of_range")


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` moved by whole calendar months, on the same day or the month's last one."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # pragma: no cover - day 28 exists in every month


def expiry(completed_at: datetime, validity_months: int | None) -> datetime | None:
    """When a completion expires by its course's validity; None when it never does."""
    return add_months(completed_at, validity_months) if validity_months else None


def recertification_opens(expires_at: datetime, window_days: int) -> datetime:
    """When the recertification window of something expiring at ``expires_at`` opens."""
    return expires_at - timedelta(days=window_days)


# A database compares a completion column with a constant rather than computing each row's
# expiry: these turn ``now`` into the completion moment a cycle of ``months`` lapses (or its
# window opens) for. They are the SQL form of :func:`expiry` and :func:`recertification_opens`
# (compliance's statuses, the reports' "expiring" figures); tests/organisation/test_dates.py
# compares them with the forward arithmetic.


def lapsed_if_completed_before(now: datetime, months: int) -> datetime:
    """Completions made before this moment have lapsed by ``now`` under a cycle of ``months``.

    ``completed_at < lapsed_if_completed_before(now, m)`` implies
    ``now >= expiry(completed_at, m)``; the two agree except at the very instant of expiry and
    when a month end shortens a date (a completion on 31 March expires on 30 April).
    """
    return add_months(now, -months)


def window_open_if_completed_before(now: datetime, months: int, window_days: int) -> datetime:
    """Completions made before this moment are, by ``now``, within ``window_days`` of lapsing
    under a cycle of ``months`` (or lapsed): the SQL form of
    ``now >= recertification_opens(expiry(completed_at, months), window_days)``.

    The window opens ``window_days`` before the expiry, so it is open at ``now`` exactly when
    the completion has lapsed by ``now + window_days``: the days are counted first, then the
    months, and the two agree as :func:`lapsed_if_completed_before` agrees with :func:`expiry`
    (compliance's "due soon", the reports' "expiring" and the reminders' refreshers all use it).
    """
    return lapsed_if_completed_before(now + timedelta(days=window_days), months)
