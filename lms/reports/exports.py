"""Every table of the OEI dashboard as rows for CSV and XLSX, read through the selectors.

A table is a header and an iterator of rows; the CSV view streams it, xlsxwriter writes it in
``constant_memory`` mode (row by row, straight to a temporary file), and the one big table,
every assignment, is built into storage by a task that reports its progress.
"""

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.compliance.selectors import Status
from lms.reports import selectors
from lms.reports.privacy import shown_count, shown_percent
from lms.reports.selectors import ReportFilters
from lms.spreadsheets import spreadsheet_safe


@dataclass
class Table:
    header: list[str]
    rows: Iterator[list]
    count: int | None = None  # known ahead for progress; None when it is not
    #: The columns that can hold text people typed (names, codes); None: every column. The
    #: others are the LMS's own strings (labels, ISO dates), which need no formula check.
    text_columns: tuple[int, ...] | None = None


def csv_rows(data: Table) -> Iterator[list]:
    """``data``'s rows as the CSV export writes them: every cell a spreadsheet would run as a
    formula starts with an apostrophe instead."""
    if data.text_columns is None:
        for row in data.rows:
            yield [spreadsheet_safe(value) for value in row]
        return
    columns = data.text_columns
    for row in data.rows:
        for column in columns:
            row[column] = spreadsheet_safe(row[column])
        yield row


def _count_header() -> list[str]:
    """The counts every figures table shows, in this order (see :func:`_count_cells`)."""
    return [
        _("Assigned"),
        _("Completed"),
        _("Compliant"),
        _("Compliant (%)"),
        _("Updates due"),
        _("Overdue"),
        _("Expiring within 30 days"),
    ]


def _count_cells(counts: selectors.Counts, threshold: int) -> list:
    """One row's counts, each shown as "fewer than N" below the privacy threshold."""
    return [
        shown_count(counts.assigned, threshold),
        shown_count(counts.completed, threshold),
        shown_count(counts.compliant, threshold),
        shown_percent(counts.percent_compliant, out_of=counts.assigned, threshold=threshold),
        shown_count(counts.updates_due, threshold),
        shown_count(counts.overdue, threshold),
        shown_count(counts.expiring, threshold),
    ]


def _departments(*, user, filters: ReportFilters, threshold: int) -> Table:
    figures = selectors.citywide_figures(user=user, filters=filters)
    header = [
        _("Department"),
        _("Code"),
        *_count_header(),
        *(
            _("%(requirement)s: compliant (%%)") % {"requirement": r.name}
            for r in figures.requirements
        ),
        _("Liaisons"),
        _("Roster last confirmed"),
    ]

    def rows():
        for row in figures.departments:
            yield [
                row.department.name,
                row.department.code,
                *_count_cells(row.counts, threshold),
                *(
                    shown_percent(cell.percent_compliant, out_of=cell.assigned, threshold=threshold)
                    if (cell := row.by_requirement.get(r.requirement_id))
                    else "—"
                    for r in figures.requirements
                ),
                "; ".join(row.liaisons),
                timezone.localtime(row.last_confirmed_at).date().isoformat()
                if row.last_confirmed_at
                else "",
            ]

    return Table(header=header, rows=rows(), count=len(figures.departments))


def _courses(*, user, filters: ReportFilters, threshold: int) -> Table:
    figures = selectors.citywide_figures(user=user, filters=filters)
    header = [
        _("Course"),
        _("Requirements"),
        *_count_header(),
    ]

    def rows():
        for row in figures.courses:
            yield [
                row.title,
                "; ".join(row.requirements),
                *_count_cells(row.counts, threshold),
            ]

    return Table(header=header, rows=rows(), count=len(figures.courses))


def _weeks(*, user, filters: ReportFilters, threshold: int) -> Table:
    weeks = selectors.citywide_trend(user=user, filters=filters)
    header = [
        _("Week starting"),
        _("Completions"),
        _("Assigned at the end of the week"),
        _("Compliant at the end of the week"),
        _("Compliant (%)"),
    ]

    def rows():
        for week in weeks:
            yield [
                week.start.isoformat(),
                shown_count(week.completions, threshold),
                shown_count(week.assigned, threshold),
                shown_count(week.compliant, threshold),
                shown_percent(week.percent_compliant, out_of=week.assigned, threshold=threshold),
            ]

    return Table(header=header, rows=rows(), count=len(weeks))


def _items(*, user, filters: ReportFilters, threshold: int) -> Table:
    groups = selectors.item_analysis(user=user, filters=filters)
    header = [
        _("Guidance"),
        _("Course"),
        _("Question"),
        _("Answered"),
        _("% answered correctly"),
        _("Most chosen wrong answer"),
        _("Times chosen"),
    ]

    def rows():
        for group in groups:
            for item in group.items:
                wrong = item.most_chosen_wrong
                yield [
                    group.guidance,
                    item.course_title,
                    item.question,
                    shown_count(item.answered, threshold),
                    shown_percent(item.percent_correct, out_of=item.answered, threshold=threshold),
                    wrong[0] if wrong else "",
                    shown_count(wrong[1], threshold) if wrong else "",
                ]

    return Table(header=header, rows=rows(), count=sum(len(g.items) for g in groups))


def _assignments(*, user, filters: ReportFilters, threshold: int) -> Table:
    """One row per person and requirement: never public, so never suppressed."""
    assignments = selectors.citywide_assignments(user=user, filters=filters)
    labels = {status: str(label) for status, label in Status.LABELS.items()}
    header = [
        _("Department"),
        _("Employee number"),
        _("Last name"),
        _("First name"),
        _("Requirement"),
        _("Status"),
        _("Due date"),
        _("Last completed"),
        _("Edition completed"),
    ]
    local_day = _local_day(timezone.get_current_timezone())

    def rows():
        # The database gives the dates as ISO text (see assignment_export_rows): a million rows
        # go out without a date object or a converter call each.
        for (
            department,
            number,
            last,
            first,
            requirement,
            status,
            due,
            completed,
            edition,
        ) in selectors.assignment_export_rows(assignments):
            yield [
                department,
                number,
                last,
                first,
                requirement,
                labels.get(status, status),
                due or "",
                local_day(completed[:16]) if completed else "",
                edition or "",
            ]

    return Table(header=header, rows=rows(), count=None, text_columns=(0, 1, 2, 3, 4))


def _local_day(zone) -> Callable[[str], str]:
    """The local date (ISO) of a UTC timestamp's ``YYYY-MM-DD HH:MM`` text, as the database
    writes it; cached, as one minute of one day is the same local date on every row."""

    @lru_cache(maxsize=2**16)
    def local_day(minute: str) -> str:
        moment = datetime.fromisoformat(minute).replace(tzinfo=UTC)
        return moment.astimezone(zone).date().isoformat()

    return local_day


#: name -> (label, builder, whether it holds people's names: then it is never "public").
TABLES: dict[str, tuple] = {
    "departments": (gettext_lazy("Departments"), _departments, False),
    "courses": (gettext_lazy("Courses"), _courses, False),
    "weeks": (gettext_lazy("Trends by week"), _weeks, False),
    "items": (gettext_lazy("Item analysis"), _items, False),
    "assignments": (gettext_lazy("Every assignment"), _assignments, True),
}
#: Tables whose XLSX is built by a task (they can hold a million rows).
LARGE_TABLES = ("assignments",)


def table(name: str, *, user, filters: ReportFilters, threshold: int = 0) -> Table:
    _label, builder, personal = TABLES[name]
    return builder(user=user, filters=filters, threshold=0 if personal else threshold)


def write_xlsx(
    path: str,
    data: Table,
    *,
    sheet: str,
    progress: Callable[[int], None] | None = None,
    every: int = 5000,
) -> int:
    """Write ``data`` to ``path`` row by row; text is never read as a formula or a link."""
    workbook = xlsxwriter.Workbook(
        path,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for column, title in enumerate(data.header):
        worksheet.write_string(0, column, str(title), bold)
    written = 0
    for written, row in enumerate(data.rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, int | float) and not isinstance(value, bool):
                worksheet.write_number(written, column, value)
            elif value is not None and value != "":
                worksheet.write_string(written, column, str(value))
        if progress is not None and written % every == 0:
            progress(written)
    workbook.close()
    return written


def xlsx_bytes(data: Table, *, sheet: str) -> bytes:
    """A small table's XLSX, built now."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as handle:
        write_xlsx(handle.name, data, sheet=sheet)
        handle.seek(0)
        return handle.read()
