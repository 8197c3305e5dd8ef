"""OEI works through the citywide dashboard, its exports and the Mayor's progress report."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms.demo.people import DEMO_PASSWORD
from lms.reports.models import ProgressReport, ReportExport
from tests.browser.pages import LoginScreen, ReportsDashboardScreen

pytestmark = pytest.mark.browser

OEI = "oei.admin"
PARKS = "Parks and Recreation"


def test_oei_filters_exports_and_publishes_the_progress_report(page: Page, demo, axe):
    LoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    # Carmen prefers Spanish; this test reads the English pages.
    dashboard = ReportsDashboardScreen(page).choose_language("en").open_from_the_menu()
    expect(dashboard.heading()).to_have_text("Citywide training dashboard")
    citywide = int(dashboard.figure("assigned"))
    assert citywide > 0
    axe(page)

    dashboard.filter(department=f"{PARKS} (PARKS)")
    parks = int(dashboard.figure("assigned"))
    assert 0 < parks < citywide
    expect(page.locator("#departments-caption + thead + tbody tr")).to_have_count(1)
    axe(page)

    csv_file = dashboard.download("Download the department table as CSV")
    rows = list(csv.DictReader(io.StringIO(Path(csv_file.path()).read_text("utf-8-sig"))))
    assert [row["Department"] for row in rows] == [PARKS]
    assert int(rows[0]["Assigned"]) == parks

    xlsx_file = dashboard.download("Download the department table as XLSX")
    with zipfile.ZipFile(xlsx_file.path()) as book:
        assert PARKS in book.read("xl/worksheets/sheet1.xml").decode()  # inline strings

    # Every assignment as XLSX: built by a task, its progress on a page of its own.
    page.get_by_role("link", name="Download every assignment as XLSX").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export: Every assignment")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the XLSX file", exact=False).click()
    assert zipfile.is_zipfile(download.value.path())
    axe(page)
    assert ReportExport.objects.filter(requested_by__username=OEI).count() == 3
    assert set(ReportExport.objects.values_list("filters__department", flat=True)) == {"PARKS"}

    reports = ReportsDashboardScreen(page).open_progress_reports()
    axe(page)
    report = reports.draft()
    expect(report.heading()).to_contain_text("Progress report")
    expect(page.get_by_text("Parks and Recreation").first).to_be_visible()
    axe(page)
    report.write_narrative("Parks has caught up; Transit is next.")
    expect(page.locator("section[aria-labelledby=narrative-heading] p")).to_have_text(
        "Parks has caught up; Transit is next."
    )
    report.publish()
    expect(page.locator("#report-status-heading")).to_have_text("Published")
    expect(page.get_by_role("button", name="Publish this report")).to_have_count(0)
    axe(page)

    pdf = report.download_pdf()
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF")
    assert ProgressReport.objects.get().is_published
