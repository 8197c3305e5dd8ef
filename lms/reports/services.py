"""Writes of OEI reporting: recording exports, and drafting, editing and publishing the Mayor's
progress report."""

import hashlib
import json
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from lms.audit import audit_record
from lms.builds import build_start
from lms.errors import ApplicationError
from lms.reports import selectors
from lms.reports.models import (
    ProgressReport,
    ProgressReportDepartmentRow,
    ProgressReportFigure,
    ProgressReportRequirementRow,
    ProgressReportWeekRow,
    ReportExport,
)
from lms.reports.selectors import ReportFilters

#: The citywide figures a progress report stores, in the order it shows them.
FIGURE_KEYS = (
    "assigned",
    "completed",
    "compliant",
    "overdue",
    "expiring",
    "expired",
    "exempt",
    "updates_due",
    "certificates_issued",
    "certificates_valid",
)


# --- Exports -------------------------------------------------------------------------------


def export_build_key(*, table: str, kind: str, filters: dict) -> str:
    """The same digest for the same table, format and filters, whatever their order."""
    canonical = json.dumps([table, kind, filters], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def export_record(
    *,
    user,
    table: str,
    kind: str,
    filters: dict,
    status: str = ReportExport.Status.STREAMED,
    build_key: str = "",
) -> ReportExport:
    """Record an export (who, when, which filters) here and in the audit log."""
    selectors.check_access(user)
    export = ReportExport(
        requested_by=user,
        table=table,
        kind=kind,
        filters=filters,
        status=status,
        build_key=build_key,
        finished_at=timezone.now() if status == ReportExport.Status.STREAMED else None,
    )
    export.full_clean(validate_constraints=False)
    export.save()
    audit_record(
        instance=export,
        action="lms.export",
        user=user,
        data={"export": f"reports_{table}_{kind}", "filters": filters},
    )
    return export


def _exports_expire(*, now: datetime) -> None:
    """Exports still waiting or being built ``BUILD_STALE_MINUTES`` after they were asked for
    are marked failed: their task died, and they must not block new requests forever."""
    ReportExport.objects.filter(
        status__in=ReportExport.BUILDING,
        requested_at__lt=now - timedelta(minutes=settings.BUILD_STALE_MINUTES),
    ).update(
        status=ReportExport.Status.FAILED,
        error="Not finished in time: the task stopped.",
        finished_at=now,
    )


def _building(*, user, build_key: str) -> ReportExport | None:
    return ReportExport.objects.filter(
        requested_by=user, build_key=build_key, status__in=ReportExport.BUILDING
    ).first()


@transaction.atomic
def export_build_start(*, user, table: str, filters: dict) -> tuple[ReportExport, bool]:
    """Record an XLSX export and hand its building to a task, once the record is committed.

    Returns ``(export, created)``. The same person asking again for the same table and filters
    while it is still being built gets that export back, not a second build (exports are
    records of who asked, so two people never share one). A person may have
    ``MAX_BUILDS_PER_USER`` exports in progress; one more is refused with a 429 and creates
    nothing. Race-safe: the person's row is locked for the count, and a conditional unique
    constraint keeps one building export per person and request.
    """
    selectors.check_access(user)
    kind = ReportExport.Kind.XLSX
    key = export_build_key(table=table, kind=kind, filters=filters)
    _exports_expire(now=timezone.now())
    return build_start(
        user=user,
        existing=lambda: _building(user=user, build_key=key),
        in_progress=ReportExport.objects.filter(
            requested_by=user, status__in=ReportExport.BUILDING
        ),
        refusal=_(
            "You already have %(count)d exports being built. Wait until one is ready, "
            "then ask again."
        ),
        create=lambda: export_record(
            user=user,
            table=table,
            kind=kind,
            filters=filters,
            status=ReportExport.Status.PENDING,
            build_key=key,
        ),
        task="lms.reports.tasks.export_build",
    )


# --- The progress report -------------------------------------------------------------------


def _latest_published(*, excluding: int | None = None) -> ProgressReport | None:
    reports = ProgressReport.objects.filter(status=ProgressReport.Status.PUBLISHED)
    if excluding is not None:
        reports = reports.exclude(pk=excluding)
    return reports.order_by("-published_at", "-pk").first()


@transaction.atomic
def progress_report_draft(
    *, drafted_by=None, now: datetime | None = None, scheduled_for: date | None = None
) -> ProgressReport:
    """Snapshot today's citywide figures into a new draft report: its rows are copied now and
    never recomputed. ``drafted_by`` None: the monthly schedule."""
    if drafted_by is not None:
        selectors.check_access(drafted_by)
    now = now or timezone.now()
    today = timezone.localdate(now)
    assignments = selectors.all_assignments(today=today)
    # The aggregates when they can say at ``now`` (docs/aggregates.md), else live.
    cells = selectors.cells_of_aggregates(now=now)
    if cells is None:
        figures = selectors.figures_from_rows(selectors.figures_query(assignments, now=now))
    else:
        figures = selectors.figures_from_cells(cells)
    weeks = selectors.trend_of(assignments, ReportFilters(), today=today)
    issued, valid = selectors.certificate_counts(now=now)

    report = ProgressReport(
        title=_("Progress report on the executive order, %(date)s")
        % {"date": date_format(today, "DATE_FORMAT")},
        as_of=now,
        previous=_latest_published(),
        created_by=drafted_by,
        scheduled_for=scheduled_for,
    )
    report.full_clean()
    report.save()

    total = figures.total
    values = {
        "assigned": total.assigned,
        "completed": total.completed,
        "compliant": total.compliant,
        "overdue": total.overdue,
        "expiring": total.expiring,
        "expired": total.expired,
        "exempt": total.exempt,
        "updates_due": total.updates_due,
        "certificates_issued": issued,
        "certificates_valid": valid,
    }
    ProgressReportFigure.objects.bulk_create(
        ProgressReportFigure(report=report, key=key, value=values[key]) for key in FIGURE_KEYS
    )
    ProgressReportDepartmentRow.objects.bulk_create(
        ProgressReportDepartmentRow(
            report=report,
            department=row.department,
            department_name=row.department.name,
            department_code=row.department.code,
            assigned=row.counts.assigned,
            compliant=row.counts.compliant,
            overdue=row.counts.overdue,
            expiring=row.counts.expiring,
            updates_due=row.counts.updates_due,
        )
        for row in figures.departments
    )
    titles = {course.course_id: course.title for course in figures.courses}
    ProgressReportRequirementRow.objects.bulk_create(
        ProgressReportRequirementRow(
            report=report,
            requirement_name=requirement.name,
            course_title=titles.get(requirement.course_id, ""),
            assigned=figures.by_requirement[requirement.requirement_id].assigned,
            compliant=figures.by_requirement[requirement.requirement_id].compliant,
            overdue=figures.by_requirement[requirement.requirement_id].overdue,
            updates_due=figures.by_requirement[requirement.requirement_id].updates_due,
        )
        for requirement in figures.requirements
    )
    ProgressReportWeekRow.objects.bulk_create(
        ProgressReportWeekRow(
            report=report,
            week_start=week.start,
            completions=week.completions,
            assigned=week.assigned,
            compliant=week.compliant,
        )
        for week in weeks
    )
    return report


def _editable(report: ProgressReport) -> None:
    if report.is_published:
        raise ApplicationError(_("This report is published: it can no longer change."), status=409)


@transaction.atomic
def progress_report_update(
    *,
    report: ProgressReport,
    user,
    narrative: str,
    suppress_small_counts: bool,
    small_count_threshold: int,
) -> ProgressReport:
    """Change a draft's narrative and privacy option; a published report refuses."""
    selectors.check_access(user)
    report = ProgressReport.objects.select_for_update().get(pk=report.pk)
    _editable(report)
    report.narrative = narrative
    report.suppress_small_counts = suppress_small_counts
    report.small_count_threshold = small_count_threshold
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def progress_report_publish(*, report: ProgressReport, user) -> ProgressReport:
    """Publish a draft, once: from now on it never changes. Its PDF is rendered by a task."""
    selectors.check_access(user)
    now = timezone.now()
    # One conditional UPDATE: of two clicks on "Publish" exactly one publishes.
    published = ProgressReport.objects.filter(
        pk=report.pk, status=ProgressReport.Status.DRAFT
    ).update(
        status=ProgressReport.Status.PUBLISHED,
        published_at=now,
        published_by=user,
        previous=_latest_published(excluding=report.pk),
    )
    if not published:
        raise ApplicationError(_("This report is already published."), status=409)
    report = ProgressReport.objects.get(pk=report.pk)
    audit_record(
        instance=report,
        action="lms.report.publish",
        user=user,
        data={"title": report.title, "as_of": report.as_of.isoformat()},
    )
    transaction.on_commit(
        lambda: async_task("lms.reports.tasks.progress_report_pdf_store", report.pk)
    )
    return report
