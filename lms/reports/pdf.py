"""The progress report's PDF, rendered from its stored rows and its own small stylesheet; the
charts are the same SVG the page shows, each followed by its data table.

Like the certificate it is tagged PDF/UA-1 (:data:`lms.organisation.pdf.PDF_UA_1`): a structure
tree, MarkInfo, the document's language and title (shown as the window's title), the XMP
``pdfuaid`` identification, and alternative text on every chart (the SVG's ``<title>``).
It renders through :mod:`lms.organisation.pdf`, like the certificate: nothing it links to is
fetched from outside the project's own files."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from lms.organisation import pdf
from lms.reports.models import ProgressReport
from lms.reports.presentation import report_context

TEMPLATE = "reports/progress_report_pdf.html"
STYLESHEET = "reports/progress_report_pdf.css"


def progress_report_pdf(report: ProgressReport) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, report_context(report))
    return pdf.html_to_pdf(html, stylesheet_template=STYLESHEET, **pdf.PDF_UA_1)


def progress_report_pdf_name(report: ProgressReport) -> str:
    return f"progress-report-{report.as_of:%Y-%m-%d}-{report.pk}.pdf"
