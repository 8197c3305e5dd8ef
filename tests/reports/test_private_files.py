"""Exports and progress report PDFs are kept in the private storage under unguessable names,
and reached only through the views that check access."""

import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from lms.reports import services, tasks
from lms.reports.models import ProgressReport, ReportExport
from lms.storage import private_storage
from tests.factories import EmployeeFactory
from tests.media import dev_media  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

TOKEN = r"[A-Za-z0-9_-]{24}"


def export_built(user) -> ReportExport:
    export, _created = services.export_build_start(user=user, table="assignments", filters={})
    tasks.export_build(export.pk)
    export.refresh_from_db()
    return export


def published(user) -> ProgressReport:
    report = services.progress_report_draft(drafted_by=user)
    services.progress_report_publish(report=report, user=user)
    tasks.progress_report_pdf_store(report.pk)
    return ProgressReport.objects.get(pk=report.pk)


def test_an_exports_name_is_not_predictable(city, oei):
    first, second = export_built(oei), export_built(oei)
    for export in (first, second):
        assert export.status == ReportExport.Status.DONE
        assert re.fullmatch(
            rf"reports/exports/assignments-\d{{4}}-\d\d-\d\d-{TOKEN}\.xlsx", export.file.name
        )
        assert not export.file.name.endswith(f"-{export.pk}.xlsx")
        assert private_storage().exists(export.file.name)
        assert not default_storage.exists(export.file.name)
    assert first.file.name != second.file.name


def test_a_progress_reports_pdf_name_is_not_predictable(city, oei):
    report = published(oei)
    assert re.fullmatch(
        rf"reports/progress/progress-report-\d{{4}}-\d\d-\d\d-{report.pk}-{TOKEN}\.pdf",
        report.pdf.name,
    )
    assert private_storage().open(report.pdf.name).read().startswith(b"%PDF")
    assert not default_storage.exists(report.pdf.name)


def test_dev_media_does_not_serve_them_under_their_name(city, oei, dev_media, client):  # noqa: F811
    for name in (export_built(oei).file.name, published(oei).pdf.name):
        assert client.get(f"/media/{name}").status_code == 404
        client.force_login(oei)
        assert client.get(f"/media/{name}").status_code == 404


def test_the_download_views_serve_oei_and_refuse_everyone_else(city, oei, oei_client):
    export, report = export_built(oei), published(oei)
    download = oei_client.get(reverse("reports:export_download", args=[export.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"PK")
    # the person gets a plain name, not the stored one with its token
    assert re.search(
        r'filename="assignments-\d{4}-\d\d-\d\d\.xlsx"', download["Content-Disposition"]
    )
    pdf = oei_client.get(reverse("reports:report_pdf", args=[report.pk]))
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    before = (list(ReportExport.objects.values()), list(ProgressReport.objects.values()))
    for user in (city["liaison"], EmployeeFactory().user):
        client = Client()
        client.force_login(user)
        assert client.get(reverse("reports:export_download", args=[export.pk])).status_code == 403
        assert client.get(reverse("reports:report_pdf", args=[report.pk])).status_code == 403
    anonymous = Client().get(reverse("reports:export_download", args=[export.pk]))
    assert anonymous.status_code == 302
    assert (list(ReportExport.objects.values()), list(ProgressReport.objects.values())) == before
