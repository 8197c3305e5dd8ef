"""The weekly compliance trend says something true when there is little data (issue 20)."""

from datetime import date, timedelta

from django.utils import translation

from lms.reports.charts import compliance_trend_chart

START = date(2026, 9, 7)


def weeks(*percents):
    return [(START + timedelta(weeks=n), p) for n, p in enumerate(percents)]


def summary(*percents) -> str:
    with translation.override("en"):
        return compliance_trend_chart(weeks(*percents)).summary


def test_one_week_with_figures_is_no_trend():
    """It said "From 46% to 46% compliant over 12 weeks" with one data point."""
    text = summary(*([None] * 11), 46)
    assert "From 46% to 46%" not in text
    assert "46% compliant" in text and "no trend yet" in text
    assert "12 weeks" not in text


def test_the_weeks_counted_are_the_weeks_with_figures():
    text = summary(None, None, None, 40, 45, 52)
    assert text.startswith("From 40% to 52% compliant over the 3 weeks with figures")


def test_a_flat_trend_says_unchanged():
    text = summary(None, 46, 46, 46)
    assert text.startswith("Unchanged at 46% compliant over the 3 weeks with figures")


def test_no_figures_says_so():
    assert summary(None, None) == "Nothing was assigned in these weeks."


def test_the_summary_is_in_spanish_too():
    with translation.override("es"):
        text = compliance_trend_chart(weeks(None, 46)).summary
    assert "46%" in text and "no trend yet" not in text
