"""The calendar arithmetic every app shares (lms/organisation/dates.py)."""

import random
from datetime import UTC, datetime, timedelta

from lms.organisation import dates


def at(year, month, day):
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


def test_add_months_keeps_the_day_or_takes_the_months_last_one():
    assert dates.add_months(at(2025, 1, 15), 1) == at(2025, 2, 15)
    assert dates.add_months(at(2025, 1, 31), 1) == at(2025, 2, 28)
    assert dates.add_months(at(2024, 1, 31), 1) == at(2024, 2, 29)
    assert dates.add_months(at(2025, 3, 31), 1) == at(2025, 4, 30)
    assert dates.add_months(at(2025, 11, 30), 3) == at(2026, 2, 28)
    assert dates.add_months(at(2025, 3, 31), -13) == at(2024, 2, 29)


def test_expiry_follows_the_validity_and_never_without_one():
    assert dates.expiry(at(2025, 7, 21), 12) == at(2026, 7, 21)
    assert dates.expiry(at(2025, 7, 21), None) is None
    assert dates.expiry(at(2025, 7, 21), 0) is None


def test_the_recertification_window_opens_its_days_before_expiry():
    expires_at = at(2026, 7, 21)
    assert dates.recertification_opens(expires_at, 30) == expires_at - timedelta(days=30)
    assert dates.recertification_opens(expires_at, 0) == expires_at


def random_moments(seed: int, count: int):
    """Random (completed_at, now, months, window_days), with microseconds so no two coincide."""
    rng = random.Random(seed)
    start = at(2020, 1, 1)
    for _ in range(count):
        completed_at = start + timedelta(microseconds=rng.randrange(6 * 365 * 86_400 * 10**6))
        now = completed_at + timedelta(microseconds=rng.randrange(4 * 365 * 86_400 * 10**6))
        yield completed_at, now, rng.randint(1, 36), rng.randint(0, 90)


def test_the_sql_expiry_threshold_is_the_forward_expiry():
    """compliance's EXPIRED and the reports' lapsed completions compare the latest completion
    with lapsed_if_completed_before(now, m) in SQL; it says what expiry() says."""
    agreed = 0
    for completed_at, now, months, _window in random_moments(1, 5000):
        lapsed = completed_at < dates.lapsed_if_completed_before(now, months)
        expired = now >= dates.expiry(completed_at, months)
        if lapsed:
            assert expired, (completed_at, now, months)
        if completed_at.day <= 28 and now.day <= 28:  # no month end shortens a date
            assert lapsed == expired, (completed_at, now, months)
            agreed += 1
    assert agreed > 4000


def test_the_sql_window_threshold_is_the_forward_window():
    """compliance's DUE_SOON, the reports' "expiring" and the reminders' refreshers compare the
    latest completion with window_open_if_completed_before(now, m, w); it says what
    recertification_opens(expiry(...), w) says (as the expiry threshold does, exactly unless a
    month end shortens a date)."""
    agreed = 0
    for completed_at, now, months, window in random_moments(2, 5000):
        in_window = completed_at < dates.window_open_if_completed_before(now, months, window)
        opened = now >= dates.recertification_opens(dates.expiry(completed_at, months), window)
        if in_window:
            assert opened, (completed_at, now, months, window)
        if completed_at.day <= 28 and (now + timedelta(days=window)).day <= 28:
            assert in_window == opened, (completed_at, now, months, window)
            agreed += 1
    assert agreed > 4000
    # The same when the window is empty: the expiry threshold itself.
    assert dates.window_open_if_completed_before(at(2026, 5, 10), 12, 0) == at(2025, 5, 10)
    assert dates.lapsed_if_completed_before(at(2026, 5, 10), 12) == at(2025, 5, 10)
