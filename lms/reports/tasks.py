"""django-q2 tasks of OEI reporting: large exports, the published report's PDF, and the
monthly draft of the Mayor's progress report."""

import logging
import os
import tempfile
from datetime import date

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.compliance.models import TrainingRequirement
from lms.organisation.models import Department
from lms.reports import aggregates, exports, selectors, services
from lms.reports.models import ProgressReport, ReportExport
from lms.reports.pdf import progress_report_pdf, progress_report_pdf_name
from lms.reports.selectors import ReportFilters
from lms.storage import unguessable_name

logger = logging.getLogger(__name__)


def filters_from_record(record: dict) -> ReportFilters:
    """The filters an export recorded, read back (a department or requirement gone: ignored)."""

    def day(value):
        return date.fromisoformat(value) if value else None

    return ReportFilters(
        date_from=day(record.get("date_from")),
        date_to=day(record.get("date_to")),
        department=Department.objects.filter(code=record.get("department") or "").first(),
        requirement=TrainingRequirement.objects.filter(pk=record.get("requirement") or 0).first(),
    )


def export_build(export_id: int) -> str:
    """Build an export's XLSX into storage, saying how far it got as it goes. Run twice, the
    second run finds it done and does nothing."""
    claimed = ReportExport.objects.filter(pk=export_id, status=ReportExport.Status.PENDING).update(
        status=ReportExport.Status.RUNNING
    )
    if not claimed:
        return "already built or building"
    export = ReportExport.objects.select_related("requested_by").get(pk=export_id)
    try:
        filters = filters_from_record(export.filters)
        threshold = int(export.filters.get("privacy") or 0)
        user = export.requested_by
        if exports.TABLES[export.table][2]:
            total = selectors.citywide_assignments(user=user, filters=filters).count()
        else:
            total = 0
        ReportExport.objects.filter(pk=export_id).update(rows_total=total)
        data = exports.table(export.table, user=user, filters=filters, threshold=threshold)
        label = str(exports.TABLES[export.table][0])

        def progress(done: int) -> None:
            ReportExport.objects.filter(pk=export_id).update(rows_done=done)

        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "export.xlsx")
            written = exports.write_xlsx(path, data, sheet=label, progress=progress)
            # A random token in the name: never guessable from the table, date or row id.
            name = unguessable_name(
                "reports/exports", f"{export.table}-{timezone.localdate().isoformat()}", ".xlsx"
            )
            with open(path, "rb") as handle:
                export.file.name = export.file.storage.save(name, File(handle))
        ReportExport.objects.filter(pk=export_id).update(
            file=export.file.name,
            status=ReportExport.Status.DONE,
            rows_done=written,
            rows_total=max(total, written),
            finished_at=timezone.now(),
        )
    except Exception as error:
        logger.exception("Export %s failed", export_id)
        ReportExport.objects.filter(pk=export_id).update(
            status=ReportExport.Status.FAILED, error=str(error)[:1000], finished_at=timezone.now()
        )
        raise
    return export.file.name


def progress_report_pdf_store(report_id: int) -> str:
    """Render a published report's PDF once and keep it (published reports never change)."""
    report = ProgressReport.objects.get(pk=report_id)
    if report.pdf or not report.is_published:
        return report.pdf.name
    stem = progress_report_pdf_name(report).removesuffix(".pdf")
    name = report.pdf.storage.save(
        unguessable_name("reports/progress", stem, ".pdf"),
        ContentFile(progress_report_pdf(report)),
    )
    # The one field a published report ever gets, and only when empty: an UPDATE, not save().
    ProgressReport.objects.filter(pk=report_id, pdf="").update(pdf=name)
    return name


def progress_report_draft_monthly() -> int | None:
    """The monthly schedule: draft this month's report, once, however often it runs."""
    month = timezone.localdate().replace(day=1)
    if ProgressReport.objects.filter(scheduled_for=month).exists():
        return None
    try:
        with transaction.atomic():
            report = services.progress_report_draft(scheduled_for=month)
    except IntegrityError:  # a concurrent run drafted it first
        return None
    return report.pk


def standing_refresh_daily() -> str:
    """Recompute every standing aggregate for the new day (the daily schedule, just after
    midnight): the date-driven transitions (due soon, overdue, expired, an update's due date
    passing) and the new day's assignments whose standing moves by the clock."""
    pairs = aggregates.standing_recompute(refresh=True)
    logger.info("Recomputed the standing aggregates of %d pairs", pairs)
    return f"{pairs} pairs"
