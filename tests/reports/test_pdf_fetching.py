"""The progress report's PDF fetches nothing but the project's own files.

It renders through the same restricted URL fetcher as the certificate
(``lms.organisation.pdf``): no ``file://`` path, no web server (not even the site's own), no
``..`` out of the static or media folders, no oversized ``data:`` URL.
"""

import pytest

from lms.reports import services
from lms.reports.models import ProgressReportDepartmentRow
from lms.reports.pdf import progress_report_pdf
from tests import pdf_probes
from tests.pdf_probes import PROBES, pdf_attachments, pdf_images, probe

pytestmark = pytest.mark.django_db

# Fixtures: a web server on 127.0.0.1 that counts requests, and a PNG outside the project.
web_server = pdf_probes.web_server
outside_png = pdf_probes.outside_png

#: Over the fetcher's limit on a ``data:`` URL (1 MB).
OVERSIZED_DATA_URL = "data:text/plain," + "a" * (2 * 1024 * 1024)


def report_template(settings, tmp_path, tag: str) -> None:
    """Replace the progress report's PDF template by one that holds ``tag``."""
    folder = tmp_path / "templates" / "reports"
    folder.mkdir(parents=True)
    (folder / "progress_report_pdf.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{{{{ report.title }}}}</title>{tag}</head>"
        f"<body><h1>{{{{ report.title }}}}</h1><p>{tag}</p></body></html>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates", *settings.TEMPLATES[0]["DIRS"]]}
    ]


@pytest.mark.parametrize("name", list(PROBES))
def test_the_report_pdf_fetches_nothing_outside_the_projects_files(
    city,
    oei,
    settings,
    tmp_path,
    web_server,
    outside_png,
    name,
):
    # The web server plays another host and the site's own: a PDF reaches neither.
    settings.WAGTAILADMIN_BASE_URL = web_server.origin
    tag = probe(name, origin=web_server.origin, png_path=outside_png, data_url=OVERSIZED_DATA_URL)
    report_template(settings, tmp_path, tag)
    report = services.progress_report_draft(drafted_by=oei)
    pdf = progress_report_pdf(report)
    assert pdf.startswith(b"%PDF-")
    assert web_server.paths == []  # no request reached the web server
    assert pdf_images(pdf) == []  # neither the server's PNG nor the file outside
    assert list(pdf_attachments(pdf)) == []  # no /etc/passwd, no manage.py, no data: URL


@pytest.mark.parametrize(
    "probe",
    [
        "{origin}/x.png",
        "http://example.com/x.png",
        "file:///etc/passwd",
        "file://{png}",
    ],
)
def test_urls_typed_into_a_report_reach_nothing(city, oei, web_server, outside_png, probe):
    """What people type (the title, the narrative, a department's name) is text in the PDF,
    never a tag that fetches."""
    url = probe.format(origin=web_server.origin, png=outside_png)
    injected = f'<img src="{url}"><link rel="attachment" href="{url}">'
    # a department's name holds 200 characters: the image tag alone (the link is in the title
    # and narrative), so that a long temporary path still fits on PostgreSQL
    city["parks"].name = f'Parks <img src="{url}">'[:200]
    city["parks"].save()
    report = services.progress_report_draft(drafted_by=oei)
    report.title = f"Report {injected}"[:200]
    report.narrative = f"Read this: {injected}"
    report.save(update_fields=["title", "narrative"])
    assert ProgressReportDepartmentRow.objects.filter(
        report=report, department_name__contains=url
    ).exists()
    pdf = progress_report_pdf(report)
    assert web_server.paths == []
    assert pdf_images(pdf) == [] and list(pdf_attachments(pdf)) == []
