"""OEI only: every reports URL refuses anyone else (and sends strangers to log in); liaisons get
their own departments through the liaison dashboard, never citywide rows."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from lms.reports import selectors, services
from lms.reports.models import ProgressReport, ReportExport
from lms.reports.selectors import ReportFilters
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(city, oei):
    return services.progress_report_draft(drafted_by=oei)


@pytest.fixture
def export(city, oei):
    return services.export_record(user=oei, table="departments", kind="csv", filters={})


def get_urls(report, export):
    return [
        reverse("reports:dashboard"),
        reverse("reports:items"),
        reverse("reports:export", kwargs={"table": "departments", "kind": "csv"}),
        reverse("reports:export", kwargs={"table": "assignments", "kind": "xlsx"}),
        reverse("reports:exports"),
        reverse("reports:export_status", args=[export.pk]),
        reverse("reports:export_download", args=[export.pk]),
        reverse("reports:reports"),
        reverse("reports:report", args=[report.pk]),
        reverse("reports:report_pdf", args=[report.pk]),
    ]


def post_urls(report):
    return [
        reverse("reports:reports"),
        reverse("reports:report_update", args=[report.pk]),
        reverse("reports:report_publish", args=[report.pk]),
    ]


def test_strangers_are_sent_to_log_in(report, export):
    client = Client()
    for url in get_urls(report, export) + post_urls(report):
        response = client.get(url) if url in get_urls(report, export) else client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("who", ["employee", "liaison"])
def test_employees_and_liaisons_are_refused_and_change_nothing(city, report, export, who):
    user = city["liaison"] if who == "liaison" else EmployeeFactory().user
    client = Client()
    client.force_login(user)
    for url in get_urls(report, export):
        assert client.get(url).status_code == 403, url
    for url in post_urls(report):
        assert client.post(url, {"narrative": "x", "small_count_threshold": 5}).status_code == 403
    assert ProgressReport.objects.count() == 1
    assert ProgressReport.objects.get().status == ProgressReport.Status.DRAFT
    assert ReportExport.objects.count() == 1


def test_selectors_and_services_refuse_a_liaison(city):
    liaison = city["liaison"]
    own = ReportFilters(department=city["parks"])
    with pytest.raises(PermissionDenied):
        selectors.citywide_figures(user=liaison, filters=own)
    with pytest.raises(PermissionDenied):
        selectors.citywide_trend(user=liaison)
    with pytest.raises(PermissionDenied):
        selectors.item_analysis(user=liaison)
    with pytest.raises(PermissionDenied):
        services.progress_report_draft(drafted_by=liaison)
    with pytest.raises(PermissionDenied):
        services.export_record(user=liaison, table="departments", kind="csv", filters={})


def test_liaison_dashboard_never_shows_another_departments_rows(city):
    client = Client()
    client.force_login(city["liaison"])
    response = client.get(reverse("compliance:index"), follow=True)
    html = response.content.decode()
    assert "Parks and Recreation" in html
    assert "Transit" not in html
    other = reverse("compliance:department", kwargs={"code": "TRANSIT"})
    assert client.get(other).status_code == 404


def test_unknown_tables_and_ids_are_404(oei_client, city):
    assert oei_client.get("/reports/export/secrets.csv").status_code == 404
    assert oei_client.get("/reports/export/departments.pdf").status_code == 404
    assert oei_client.get(reverse("reports:report", args=[2**40])).status_code == 404
    assert oei_client.get(reverse("reports:export_status", args=[999999])).status_code == 404


def test_nav_link_only_for_oei(city, oei_client):
    client = Client()
    client.force_login(city["liaison"])
    page = client.get(reverse("compliance:index"), follow=True).content.decode()
    assert 'href="/reports/"' not in page
    assert 'href="/reports/"' in oei_client.get(reverse("reports:reports")).content.decode()
