"""The OEI dashboard: citywide figures, the department and course tables, trends, filters."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.compliance import selectors as compliance_selectors
from lms.compliance.models import RosterConfirmation
from lms.compliance.services import assignment_facts_refresh
from lms.reports import selectors
from lms.reports.selectors import ReportFilters
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:dashboard")


def test_citywide_figures_add_up_every_department(city, oei):
    figures = selectors.citywide_figures(user=oei)
    assert figures.total.assigned == 8
    assert figures.total.completed == 3
    assert figures.total.compliant == 3
    assert figures.total.overdue == 3
    assert figures.total.percent_compliant == 37  # 3 of 8, rounded down
    rows = {row.department.code: row for row in figures.departments}
    assert (rows["PARKS"].counts.assigned, rows["PARKS"].counts.compliant) == (6, 2)
    assert (rows["TRANSIT"].counts.assigned, rows["TRANSIT"].counts.overdue) == (2, 1)
    assert rows["PARKS"].liaisons == ["Ana Ruiz"]
    assert rows["TRANSIT"].liaisons == []
    [course_row] = figures.courses
    assert course_row.title == city["course"].title
    assert course_row.counts.assigned == 8


def test_expiring_counts_completions_lapsing_within_30_days(city, oei):
    from courses.models import Completion

    # Records never change in the LMS: the test reaches past the guard with the base manager.
    Completion._base_manager.filter(employee=city["people"]["parks"][0]).update(
        expires_at=timezone.now() + timezone.timedelta(days=10)
    )
    Completion._base_manager.filter(employee=city["people"]["parks"][1]).update(
        expires_at=timezone.now() + timezone.timedelta(days=90)
    )
    assignment_facts_refresh()  # the assignments' copy of the records changed above
    assert selectors.citywide_figures(user=oei).total.expiring == 1


def test_figures_match_the_liaison_dashboard_for_the_same_department(city, oei):
    """One status CASE for both: the liaison's summary and OEI's row never disagree."""
    liaison = city["liaison"]
    summary = compliance_selectors.roster_summary(
        compliance_selectors.department_assignments(user=liaison, department=city["parks"])
    )
    row = next(
        r for r in selectors.citywide_figures(user=oei).departments if r.department == city["parks"]
    )
    assert row.counts.assigned == summary.all.total
    assert row.counts.compliant == summary.all.compliant
    assert row.counts.overdue == summary.all.overdue
    assert row.counts.percent_compliant == summary.all.percent_compliant


def test_filters_narrow_to_a_department(city, oei):
    figures = selectors.citywide_figures(
        user=oei, filters=ReportFilters(department=city["transit"])
    )
    assert figures.total.assigned == 2
    assert [row.department.code for row in figures.departments] == ["TRANSIT"]


def test_date_range_counts_training_assigned_in_it(city, oei):
    today = timezone.localdate()
    later = ReportFilters(date_from=today + timezone.timedelta(days=1))
    assert selectors.citywide_figures(user=oei, filters=later).total.assigned == 0
    now = ReportFilters(date_from=today, date_to=today)
    assert selectors.citywide_figures(user=oei, filters=now).total.assigned == 8


def test_trend_counts_completions_per_week_and_compliance_at_each_week_end(city, oei):
    weeks = selectors.citywide_trend(user=oei)
    assert len(weeks) == selectors.DEFAULT_WEEKS
    assert sum(week.completions for week in weeks) == 3
    assert weeks[-1].assigned == 8
    assert weeks[-1].compliant == 3
    assert weeks[0].start.weekday() == 0


def test_trend_weeks_are_the_citys_local_weeks(city, oei):
    """A completion at 23:30 on a Sunday in Albuquerque (06:30 UTC on Monday) belongs to the
    week it ends, and one at 00:30 on Monday to the next; the trend starts and ends at local
    midnight."""
    from datetime import datetime, time

    from courses.models import Completion, Enrollment

    today = timezone.localdate()
    weeks = selectors.trend_weeks(ReportFilters(), today=today)
    first_monday, last_monday = weeks[0], weeks[-1]
    zone = timezone.get_current_timezone()
    before = [week.completions for week in selectors.citywide_trend(user=oei, today=today)]
    for day, at in (
        (last_monday - timedelta(days=1), time(23, 30)),
        (last_monday, time(0, 30)),
        (last_monday + timedelta(days=6), time(23, 30)),  # the trend's last local minute
        (first_monday - timedelta(days=1), time(23, 30)),  # before the trend: not counted
    ):
        employee = EmployeeFactory(department=city["parks"])
        enrollment = Enrollment.objects.create(
            employee=employee, course=city["course"], course_edition=1, started_at=timezone.now()
        )
        Completion.objects.create(
            employee=employee,
            course=city["course"],
            enrollment=enrollment,
            course_title=city["course"].title,
            course_edition=1,
            completed_at=datetime.combine(day, at, tzinfo=zone),
        )
    after = [week.completions for week in selectors.citywide_trend(user=oei, today=today)]
    assert after[-1] == before[-1] + 2
    assert after[-2] == before[-2] + 1
    assert sum(after) == sum(before) + 3


def test_page_shows_figures_tables_and_accessible_charts(city, oei_client):
    RosterConfirmation.objects.create(department=city["parks"], confirmed_by=city["liaison"])
    response = oei_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="assigned">8<' in html
    assert "Parks and Recreation" in html and "Ana Ruiz" in html
    assert "Never" in html  # Transit never confirmed its roster
    charts = re.findall(r'<svg [^>]*role="img" aria-labelledby="([^"]+)"', html)
    assert len(charts) == 3
    for labels in charts:  # each chart is named by its own title and description
        title, desc = labels.split()
        assert f'<title id="{title}">' in html and f'<desc id="{desc}">' in html
    assert html.count("<caption>") >= 3
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_page_filters_by_department(city, oei_client):
    response = oei_client.get(URL, {"department": "TRANSIT"})
    assert response.status_code == 200
    assert response.context["figures"].total.assigned == 2


@pytest.mark.parametrize(
    "query",
    [
        {"department": "NOPE"},
        {"requirement": "999999"},
        {"requirement": "abc"},
        {"date_from": "2025-13-01"},
        {"date_from": "2025-06-01", "date_to": "2025-01-01"},
        {"date_from": "2000-01-01", "date_to": "2025-01-01"},
    ],
)
def test_bad_filters_answer_400_with_the_reason(city, oei_client, query):
    response = oei_client.get(URL, query)
    assert response.status_code == 400
    assert response.context["form"].errors


def test_certificate_counts_issued_and_valid(city, oei, oei_client):
    from certificates.services import certificate_revoke, certificates_issue_bulk
    from courses.models import Completion

    certificates = certificates_issue_bulk(completions=list(Completion.objects.all()))
    assert len(certificates) == 3
    certificate_revoke(certificate=certificates[0], user=oei, reason="Issued in error")
    figures = selectors.citywide_figures(user=oei)
    assert (figures.certificates_issued, figures.certificates_valid) == (3, 2)
    transit = selectors.citywide_figures(
        user=oei, filters=ReportFilters(department=city["transit"])
    )
    assert transit.certificates_issued == 1
    html = oei_client.get(URL).content.decode()
    assert 'data-figure="certificates_valid">2<' in html
