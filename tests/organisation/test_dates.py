"""The calendar arithmetic every app shares (lms/organisation/dates.py)."""

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
