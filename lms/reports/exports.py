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
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.compliance.selectors import Status, due_rule_label
from lms.reports import selectors
from lms.reports.privacy import Publication, Suppression, suppress
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


#: The counts every figures table shows, in this order, each with its label; the compliant
#: percentage follows "compliant". Each column adds up to a total published elsewhere (the
#: citywide figures, or the filtered department's row), which suppression takes into account.
COUNT_COLUMNS = {
    "assigned": gettext_lazy("Assigned"),
    "completed": gettext_lazy("Completed"),
    "compliant": gettext_lazy("Compliant"),
    "updates_due": gettext_lazy("Updates due"),
    "overdue": gettext_lazy("Overdue"),
    "expiring": gettext_lazy("Expiring within 30 days"),
}
#: Sums within a row an analyst knows: compliant = completed + the compliant without a current
#: completion, who are the exempt plus the updates due.
ROW_SUMS = (
    ("compliant", ("completed", "compliant_without_completion")),
    ("compliant_without_completion", ("exempt", "updates_due")),
)
#: Counts of a row known to the analyst without being a column of these tables (the citywide
#: exempt figure is published in the Mayor's report; the middle term of the sums above is
#: published nowhere but worked out by subtraction).
UNSHOWN_COUNTS = ("exempt", "compliant_without_completion")


def _count_header() -> list[str]:
    """The counts every figures table shows, in this order (see :func:`_count_cells`)."""
    header = []
    for key, label in COUNT_COLUMNS.items():
        header.append(str(label))
        if key == "compliant":
            header.append(_("Compliant (%)"))
    return header


def _count_rows(publication: Publication, table: str, rows: list[tuple]) -> None:
    """Describe rows of ``(id, Counts)`` for suppression: their cells, the sums within a row,
    their percentages and the column totals."""
    for row_id, counts in rows:
        for column in COUNT_COLUMNS:
            publication.count((table, row_id, column), getattr(counts, column))
        for column in UNSHOWN_COUNTS:
            publication.count((table, row_id, column), getattr(counts, column), shown=False)
        for total, parts in ROW_SUMS:
            publication.add_sum((table, row_id, total), [(table, row_id, p) for p in parts])
        publication.percent(
            (table, row_id, "percent"), (table, row_id, "compliant"), (table, row_id, "assigned")
        )
    # The totals of the columns are the citywide figures (or the filtered department's row),
    # published with the same sums between them.
    totals = {
        column: publication.column_total(
            (table, column), [(table, row_id, column) for row_id, _c in rows]
        )
        for column in (*COUNT_COLUMNS, *UNSHOWN_COUNTS)
    }
    for total, parts in ROW_SUMS:
        publication.add_sum(totals[total], [totals[part] for part in parts])
    publication.percent((table, "percent"), totals["compliant"], totals["assigned"])


def _count_cells(hide: Suppression, table: str, row_id, counts: selectors.Counts) -> list:
    """One row's counts as published: "fewer than N" below the privacy threshold, "withheld"
    where a smaller count could be worked out from it, and its percentage unless withheld."""
    cells = []
    for column in COUNT_COLUMNS:
        cells.append(hide.count((table, row_id, column)))
        if column == "compliant":
            cells.append(hide.percent((table, row_id, "percent"), counts.percent_compliant))
    return cells


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
    publication = Publication()
    _count_rows(
        publication, "department", [(row.department.pk, row.counts) for row in figures.departments]
    )
    for requirement in figures.requirements:
        cells = []
        for row in figures.departments:
            if (cell := row.by_requirement.get(requirement.requirement_id)) is None:
                continue
            key = ("cell", row.department.pk, requirement.requirement_id)
            publication.count((*key, "assigned"), cell.assigned, shown=False)
            publication.count((*key, "compliant"), cell.compliant, shown=False)
            publication.percent((*key, "percent"), (*key, "compliant"), (*key, "assigned"))
            cells.append(key)
        for column in ("assigned", "compliant"):
            publication.column_total(
                ("requirement", requirement.requirement_id, column),
                [(*key, column) for key in cells],
            )
    for row in figures.departments:
        keys = [
            ("cell", row.department.pk, r.requirement_id)
            for r in figures.requirements
            if r.requirement_id in row.by_requirement
        ]
        for column in ("assigned", "compliant"):
            publication.add_sum(
                ("department", row.department.pk, column), [(*key, column) for key in keys]
            )
    hide = suppress(publication, threshold)

    def rows():
        for row in figures.departments:
            yield [
                row.department.name,
                row.department.code,
                *_count_cells(hide, "department", row.department.pk, row.counts),
                *(
                    hide.percent(
                        ("cell", row.department.pk, r.requirement_id, "percent"),
                        cell.percent_compliant,
                    )
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
    publication = Publication()
    _count_rows(publication, "course", [(row.course_id, row.counts) for row in figures.courses])
    hide = suppress(publication, threshold)

    def rows():
        for row in figures.courses:
            yield [
                row.title,
                "; ".join(row.requirements),
                *_count_cells(hide, "course", row.course_id, row.counts),
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
    publication = Publication()
    for week in weeks:
        for column in ("completions", "assigned", "compliant"):
            publication.count((week.start, column), getattr(week, column))
        publication.percent(
            (week.start, "percent"), (week.start, "compliant"), (week.start, "assigned")
        )
    hide = suppress(publication, threshold)

    def rows():
        for week in weeks:
            yield [
                week.start.isoformat(),
                hide.count((week.start, "completions")),
                hide.count((week.start, "assigned")),
                hide.count((week.start, "compliant")),
                hide.percent((week.start, "percent"), week.percent_compliant),
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

    items = [item for group in groups for item in group.items]
    publication = Publication()
    for index, item in enumerate(items):
        wrong = item.most_chosen_wrong
        publication.count((index, "answered"), item.answered)
        publication.count((index, "correct"), item.correct)  # read through its percentage
        publication.count((index, "wrong"), wrong[1] if wrong else 0, shown=bool(wrong))
        publication.percent((index, "percent"), (index, "correct"), (index, "answered"))
    hide = suppress(publication, threshold)

    def rows():
        index = 0
        for group in groups:
            for item in group.items:
                wrong = item.most_chosen_wrong
                yield [
                    group.guidance,
                    item.course_title,
                    item.question,
                    hide.count((index, "answered")),
                    hide.percent((index, "percent"), item.percent_correct),
                    wrong[0] if wrong else "",
                    hide.count((index, "wrong")) if wrong else "",
                ]
                index += 1

    return Table(header=header, rows=rows(), count=len(items))


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
        _("Due date set by"),
        _("Last completed"),
        _("Edition completed"),
    ]
    local_day = _local_day(timezone.get_current_timezone())
    rule_label = _due_rule_label(translation.get_language())

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
            rule,
            rule_days,
            assigned_due,
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
                rule_label(rule, rule_days, assigned_due),
                local_day(completed[:16]) if completed else "",
                edition or "",
            ]

    return Table(header=header, rows=rows(), count=None, text_columns=(0, 1, 2, 3, 4))


def _due_rule_label(language: str) -> Callable[[str, int | None, str], str]:
    """Which rule set the due date, in words in ``language`` (the request's: the rows are
    written after the view returns); cached, as few (rule, days, date) occur."""

    @lru_cache(maxsize=2**12)
    def label(rule: str, days: int | None, due_text: str) -> str:
        with translation.override(language):
            return due_rule_label(rule=rule, days=days, due_on=due_text, iso=True)

    return label


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
