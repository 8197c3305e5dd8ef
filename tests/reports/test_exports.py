"""Exports of every table: CSV streamed and formula-safe, XLSX built now or by a task, each
recorded (who, when, which filters) and in the audit log."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from lms.compliance.models import Assignment
from lms.reports.models import ReportExport

pytestmark = pytest.mark.django_db


def url(table, kind):
    return reverse("reports:export", kwargs={"table": table, "kind": kind})


def read_csv(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        names = book.namelist()
        shared = "xl/sharedStrings.xml"
        strings = book.read(shared).decode() if shared in names else ""
        return book.read("xl/worksheets/sheet1.xml").decode() + strings


@pytest.mark.parametrize("table", ["departments", "courses", "weeks", "items", "assignments"])
def test_every_table_exports_as_csv_and_is_recorded(city, oei, oei_client, table):
    response = oei_client.get(url(table, "csv"), {"department": "PARKS"})
    assert response.status_code == 200
    rows = read_csv(response)
    assert len(rows) >= 1
    export = ReportExport.objects.get()
    assert (export.requested_by, export.table, export.kind) == (oei, table, "csv")
    assert export.filters["department"] == "PARKS"
    entry = ModelLogEntry.objects.get(action="lms.export")
    assert entry.user_id == oei.pk and entry.data["filters"]["department"] == "PARKS"


def test_assignment_csv_has_one_row_per_assignment_and_formula_safe_cells(city, oei_client):
    employee = city["people"]["parks"][0]
    employee.user.last_name = "=HYPERLINK(1)"
    employee.user.save()
    rows = read_csv(oei_client.get(url("assignments", "csv")))
    assert len(rows) == 1 + 8
    assert ["'=HYPERLINK(1)"] == [row[2] for row in rows[1:] if row[2].startswith("'")]


def test_department_csv_figures_and_privacy_option(city, oei_client):
    rows = read_csv(oei_client.get(url("departments", "csv")))
    header, *data = rows
    transit = next(row for row in data if row[1] == "TRANSIT")
    assert transit[header.index("Assigned")] == "2"
    rows = read_csv(oei_client.get(url("departments", "csv"), {"privacy": "on"}))
    transit = next(row for row in rows[1:] if row[1] == "TRANSIT")
    assert transit[rows[0].index("Assigned")] == "fewer than 5"
    assert ReportExport.objects.filter(filters__privacy=5).count() == 1


def test_small_table_xlsx_is_built_now(city, oei_client):
    response = oei_client.get(url("departments", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert "Parks and Recreation" in sheet_xml(response.content)
    assert ReportExport.objects.get().kind == "xlsx"


def test_assignment_xlsx_is_built_by_a_task_with_progress(
    city, oei_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = oei_client.get(url("assignments", "xlsx"))
    export = ReportExport.objects.get()
    assert response["Location"] == reverse("reports:export_status", args=[export.pk])
    export.refresh_from_db()
    assert export.status == ReportExport.Status.DONE
    assert (export.rows_done, export.rows_total, export.percent) == (8, 8, 100)
    page = oei_client.get(response["Location"]).content.decode()
    assert "<progress" in page and reverse("reports:export_download", args=[export.pk]) in page
    download = oei_client.get(reverse("reports:export_download", args=[export.pk]))
    content = b"".join(download.streaming_content)
    assert city["people"]["parks"][0].employee_number in sheet_xml(content)


def test_pending_export_page_polls_its_progress_and_download_waits(city, oei_client):
    with_task = oei_client.get(url("assignments", "xlsx"))  # on_commit never runs here
    export = ReportExport.objects.get()
    page = oei_client.get(with_task["Location"]).content.decode()
    # issue 20: no meta refresh (axe); a script updates the live region in place
    assert 'http-equiv="refresh"' not in page
    assert 'role="status"' in page and "js/export-progress.js" in page
    assert oei_client.get(reverse("reports:export_download", args=[export.pk])).status_code == 409


def test_bad_filters_export_nothing(city, oei_client):
    assert oei_client.get(url("departments", "csv"), {"department": "NOPE"}).status_code == 400
    assert not ReportExport.objects.exists()


def test_assignment_csv_dates_are_the_city_s_local_dates(city, oei_client):
    """Completed at 03:30 UTC on 10 March is the evening of 9 March in Albuquerque."""
    from datetime import UTC, datetime

    from tests.factories import CompletionFactory

    employee = city["people"]["parks"][4]
    CompletionFactory(
        course=city["course"],
        enrollment__employee=employee,
        completed_at=datetime(2026, 3, 10, 3, 30, tzinfo=UTC),
    )
    header, *rows = read_csv(oei_client.get(url("assignments", "csv")))
    [row] = [r for r in rows if r[header.index("Employee number")] == employee.employee_number]
    assert row[header.index("Last completed")] == "2026-03-09"
    assert row[header.index("Status")] == "Completed"
    due = Assignment.objects.get(employee=employee).due_on
    assert row[header.index("Due date")] == due.isoformat()
