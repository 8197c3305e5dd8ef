"""The OEI dashboard, its exports and the Mayor's progress report: thin views over
reports.selectors and reports.services. OEI only (the citywide permission); anyone else 403."""

import csv
import io
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lms.errors import ApplicationError
from lms.reports import charts, exports, selectors, services
from lms.reports.forms import ProgressReportForm, ReportFilterForm
from lms.reports.models import ProgressReport, ReportExport
from lms.reports.pdf import progress_report_pdf, progress_report_pdf_name
from lms.reports.presentation import report_context

PERMISSION = "organisation.view_citywide_reports"
MAX_ID = 2**31 - 1


def oei_view(view):
    """Signed in (else the login page) and holding the citywide permission (else 403)."""
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


def _problem(request, message: str, *, status: int):
    return render(request, "reports/problem.html", {"message": message}, status=status)


def _filter_form(request) -> ReportFilterForm:
    departments, requirements = selectors.filter_choices(user=request.user)
    return ReportFilterForm(request.GET, departments=departments, requirements=requirements)


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@oei_view
@require_GET
def dashboard(request):
    form = _filter_form(request)
    context = {"form": form, "tables": exports.TABLES}
    if not form.is_valid():
        return render(request, "reports/dashboard.html", context, status=400)
    filters = form.filters()
    figures = selectors.citywide_figures(user=request.user, filters=filters)
    weeks = selectors.citywide_trend(user=request.user, filters=filters)
    context.update(
        filters=filters,
        figures=figures,
        weeks=weeks,
        query=request.GET.urlencode(),
        charts=[
            charts.department_chart(
                [(row.department.name, row.counts.percent_compliant) for row in figures.departments]
            ),
            charts.completions_chart([(week.start, week.completions) for week in weeks]),
            charts.compliance_trend_chart([(week.start, week.percent_compliant) for week in weeks]),
        ],
    )
    return render(request, "reports/dashboard.html", context)


@oei_view
@require_GET
def items(request):
    form = _filter_form(request)
    context = {"form": form}
    if not form.is_valid():
        return render(request, "reports/items.html", context, status=400)
    context.update(
        groups=selectors.item_analysis(user=request.user, filters=form.filters()),
        query=request.GET.urlencode(),
    )
    return render(request, "reports/items.html", context)


#: Rows per chunk of a streamed CSV export.
CSV_CHUNK_ROWS = 2_000


@oei_view
@require_GET
def export(request, table: str, kind: str):
    """A table as CSV (streamed) or XLSX (now if small; by a task if it can be large)."""
    if table not in exports.TABLES:
        raise Http404
    form = _filter_form(request)
    if not form.is_valid():
        return _problem(request, _form_errors(form), status=400)
    filters = form.filters()
    record = {**filters.as_record(), "privacy": form.threshold}
    filename = f"{table}-{timezone.localdate().isoformat()}"
    label = str(exports.TABLES[table][0])
    if kind == ReportExport.Kind.XLSX and table in exports.LARGE_TABLES:
        try:
            built, created = services.export_build_start(
                user=request.user, table=table, filters=record
            )
        except ApplicationError as error:
            response = _problem(request, error.message, status=error.status)
            if error.status == 429:
                response["Retry-After"] = "60"
            return response
        if not created:
            messages.info(
                request, _("The same export is already being built: here is its progress.")
            )
        return redirect("reports:export_status", pk=built.pk)
    data = exports.table(table, user=request.user, filters=filters, threshold=form.threshold)
    services.export_record(user=request.user, table=table, kind=kind, filters=record)
    if kind == ReportExport.Kind.XLSX:
        response = HttpResponse(
            exports.xlsx_bytes(data, sheet=label),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response

    header = [str(title) for title in data.header]

    def lines():
        # Rows go out in chunks of a few thousand: one chunk per row costs more than the rows.
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")  # the BOM lets spreadsheets read UTF-8
        writer.writerow(header)
        rows = exports.csv_rows(data)
        while batch := list(islice(rows, CSV_CHUNK_ROWS)):
            writer.writerows(batch)
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _export_or_404(request, pk: int) -> ReportExport:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(ReportExport, pk=pk)


@oei_view
@require_GET
def export_status(request, pk: int):
    export = _export_or_404(request, pk)
    return render(
        request,
        "reports/export_status.html",
        {
            "export": export,
            "label": exports.TABLES.get(export.table, (export.table,))[0],
            "working": export.status in (ReportExport.Status.PENDING, ReportExport.Status.RUNNING),
        },
    )


@oei_view
@require_GET
def export_download(request, pk: int):
    export = _export_or_404(request, pk)
    if export.status != ReportExport.Status.DONE or not export.file:
        return _problem(request, _("This export is not ready yet."), status=409)
    # The stored name carries a random token; the person gets a plain one.
    day = timezone.localtime(export.requested_at).date().isoformat()
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=f"{export.table}-{day}.{export.kind}"
    )


@oei_view
@require_GET
def export_list(request):
    return render(
        request,
        "reports/exports.html",
        {
            "exports": ReportExport.objects.select_related("requested_by")[:50],
            "tables": exports.TABLES,
        },
    )


# --- The progress report -------------------------------------------------------------------


def _report_or_404(pk: int) -> ProgressReport:
    if pk > MAX_ID:
        raise Http404
    return get_object_or_404(ProgressReport, pk=pk)


@oei_view
def report_list(request):
    if request.method == "POST":
        report = services.progress_report_draft(drafted_by=request.user)
        messages.success(
            request, _("Draft made with today's figures. Add a narrative, then publish.")
        )
        return redirect("reports:report", pk=report.pk)
    if request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "reports/reports.html",
        {"reports": ProgressReport.objects.select_related("published_by")[:100]},
    )


def _report_page(request, report, *, form=None, status=200):
    context = report_context(report)
    context["form"] = form or ProgressReportForm(instance=report)
    return render(request, "reports/report.html", context, status=status)


@oei_view
@require_GET
def report(request, pk: int):
    return _report_page(request, _report_or_404(pk))


@oei_view
@require_POST
def report_update(request, pk: int):
    report = _report_or_404(pk)
    form = ProgressReportForm(request.POST, instance=ProgressReport.objects.get(pk=report.pk))
    if report.is_published:
        return _problem(
            request, _("This report is published: it can no longer change."), status=409
        )
    if not form.is_valid():
        return _report_page(request, report, form=form, status=400)
    try:
        services.progress_report_update(report=report, user=request.user, **form.cleaned_data)
    except ApplicationError as error:
        return _problem(request, error.message, status=error.status)
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _report_page(request, report, form=form, status=400)
    messages.success(request, _("Draft saved."))
    return redirect("reports:report", pk=report.pk)


@oei_view
@require_POST
def report_publish(request, pk: int):
    report = _report_or_404(pk)
    try:
        services.progress_report_publish(report=report, user=request.user)
    except ApplicationError as error:
        return _problem(request, error.message, status=error.status)
    messages.success(request, _("Published. From now on this report never changes."))
    return redirect("reports:report", pk=report.pk)


@oei_view
@require_GET
def report_pdf(request, pk: int):
    """A published report's stored PDF; a draft's (or one not stored yet) rendered now."""
    report = _report_or_404(pk)
    name = progress_report_pdf_name(report)
    if report.pdf:
        return FileResponse(report.pdf.open("rb"), as_attachment=True, filename=name)
    response = HttpResponse(progress_report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
