"""Issue 20: the export status page shows the progress of a long export in a live region that
updates itself, without reloading the page (no meta refresh: axe's meta-refresh rule)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from lms.demo.people import DEMO_PASSWORD
from lms.reports.models import ReportExport
from tests.browser.pages import LoginScreen, Screen

pytestmark = pytest.mark.browser

OEI = "oei.admin"


def test_the_export_status_updates_in_a_live_region_without_reloading(page: Page, demo, axe):
    export = ReportExport.objects.create(
        requested_by=get_user_model().objects.get(username=OEI),
        table="assignments",
        kind="xlsx",
        status=ReportExport.Status.RUNNING,
        rows_total=200,
        rows_done=50,
    )
    LoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    Screen(page).choose_language("en")  # Carmen prefers Spanish; this test reads English
    page.goto(f"/reports/exports/{export.pk}/")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    status = page.get_by_role("status")
    expect(status).to_contain_text("50 of 200 rows written")
    axe(page)
    page.evaluate("window.__sameDocument = true")

    ReportExport.objects.filter(pk=export.pk).update(rows_done=150)
    expect(status).to_contain_text("150 of 200 rows written", timeout=20_000)
    ReportExport.objects.filter(pk=export.pk).update(status=ReportExport.Status.DONE, rows_done=200)
    expect(page.get_by_role("link", name="Download the XLSX file (200 rows)")).to_be_visible(
        timeout=20_000
    )
    # the same document all along: the page was updated in place, never reloaded
    assert page.evaluate("window.__sameDocument") is True
    expect(page.get_by_role("status")).to_have_count(1)
    axe(page)
