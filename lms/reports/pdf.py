"""The progress report's PDF, rendered by WeasyPrint from its stored rows and its own small
stylesheet; the charts are the same SVG the page shows."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from lms.reports.models import ProgressReport
from lms.reports.presentation import report_context


def progress_report_pdf(report: ProgressReport) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override(settings.LANGUAGE_CODE):
        context = report_context(report)
        html = render_to_string("reports/progress_report_pdf.html", context)
        css = render_to_string("reports/progress_report_pdf.css")
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=css)]
    )


def progress_report_pdf_name(report: ProgressReport) -> str:
    return f"progress-report-{report.as_of:%Y-%m-%d}-{report.pk}.pdf"
