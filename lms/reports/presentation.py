"""What the progress report page and its PDF show, read only from the report's stored rows."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lms.figures import percent
from lms.reports import charts
from lms.reports.models import ProgressReport
from lms.reports.privacy import Publication, Suppression, suppress

FIGURE_LABELS = {
    "assigned": _("Training assignments"),
    "completed": _("Completed and current"),
    "compliant": _("Compliant (completed, update due or exempt)"),
    "overdue": _("Overdue"),
    "expiring": _("Expiring within 30 days"),
    "expired": _("Expired: recertification needed"),
    "exempt": _("Exempt"),
    "updates_due": _("Updates due (compliant until the new edition's due date)"),
    "certificates_issued": _("Certificates issued"),
    "certificates_valid": _("Certificates valid"),
}


#: The counts of the department table, in the order it shows them; each one is also a
#: citywide figure, which its column adds up to.
DEPARTMENT_COLUMNS = {
    "assigned": _("Assigned"),
    "compliant": _("Compliant"),
    "overdue": _("Overdue"),
    "expiring": _("Expiring within 30 days"),
    "updates_due": _("Updates due"),
}
#: The counts of the requirement table; "compliant" is read through its percentage.
REQUIREMENT_COLUMNS = ("assigned", "compliant", "overdue", "updates_due")
#: Sums between citywide figures an analyst knows: compliant = completed + the compliant
#: without a current completion, who are the exempt plus the updates due (a report published
#: before "updates due" existed has none). The middle term is published nowhere, but can be
#: worked out by subtraction, so it is as sensitive as any count.
OTHER_COMPLIANT = "compliant_without_completion"


@dataclass
class FigureLine:
    key: str
    label: str
    value: object
    change: str  # "+3", "−2", "0" or "" when there is no previous report


def _change(value: int, before: int | None) -> str:
    if before is None:
        return ""
    difference = value - before
    if difference > 0:
        return f"+{difference}"
    if difference < 0:
        return f"−{-difference}"
    return "0"


def threshold_of(report: ProgressReport) -> int:
    return report.small_count_threshold if report.suppress_small_counts else 0


def report_publication(report: ProgressReport) -> Publication:
    """Every cell the report publishes, and how they add up (for :func:`privacy.suppress`)."""
    publication = Publication()
    values = dict(report.figures.values_list("key", "value"))
    for key, value in values.items():
        publication.count(("figure", key), value)
    if {"compliant", "completed", "exempt"} <= values.keys():
        others = ["exempt", "updates_due"] if "updates_due" in values else ["exempt"]
        other = ("figure", OTHER_COMPLIANT)
        publication.count(other, sum(values[key] for key in others), shown=False)
        publication.add_sum(("figure", "compliant"), [("figure", "completed"), other])
        publication.add_sum(other, [("figure", key) for key in others])
    publication.percent(("figure", "percent"), ("figure", "compliant"), ("figure", "assigned"))

    def table(name, rows, columns):
        # A count a report stored before it existed is not published (shown as "—").
        columns = [c for c in columns if all(getattr(row, c) is not None for row in rows)]
        for row in rows:
            for column in columns:
                publication.count((name, row.pk, column), getattr(row, column))
            publication.percent(
                (name, row.pk, "percent"), (name, row.pk, "compliant"), (name, row.pk, "assigned")
            )
        for column in columns:
            parts = [(name, row.pk, column) for row in rows]
            if column in values:
                publication.add_sum(("figure", column), parts)
            else:
                publication.column_total((name, column), parts)

    table("department", list(report.department_rows.all()), DEPARTMENT_COLUMNS)
    table("requirement", list(report.requirement_rows.all()), REQUIREMENT_COLUMNS)
    for week in report.week_rows.all():
        publication.count(("week", week.pk, "completions"), week.completions)
        publication.count(("week", week.pk, "assigned"), week.assigned, shown=False)
        publication.count(("week", week.pk, "compliant"), week.compliant, shown=False)
        publication.percent(
            ("week", week.pk, "percent"),
            ("week", week.pk, "compliant"),
            ("week", week.pk, "assigned"),
        )
    return publication


def report_suppression(report: ProgressReport) -> Suppression:
    """What the report withholds: small counts and every figure they could be worked out from."""
    return suppress(report_publication(report), threshold_of(report))


def report_context(report: ProgressReport) -> dict:
    threshold = threshold_of(report)
    hide = report_suppression(report)
    earlier = report_suppression(report.previous) if report.previous else None
    values = dict(report.figures.values_list("key", "value"))
    before = dict(report.previous.figures.values_list("key", "value")) if report.previous else {}

    def change_of(key, now, then):
        # A change shows only between two shown figures: otherwise it gives the hidden one.
        if earlier is None or then is None or hide.is_hidden(key) or earlier.is_hidden(key):
            return ""
        return _change(now, then)

    figures = [
        FigureLine(
            key=key,
            label=str(label),
            value=hide.count(("figure", key)),
            change=change_of(("figure", key), values[key], before.get(key)),
        )
        for key, label in FIGURE_LABELS.items()
        if key in values
    ]
    assigned = values.get("assigned", 0)
    compliant_percent = hide.percent(
        ("figure", "percent"), percent(values.get("compliant", 0), assigned)
    )
    previous_percent = (
        earlier.percent(
            ("figure", "percent"), percent(before.get("compliant", 0), before.get("assigned"))
        )
        if earlier is not None
        else None
    )
    departments = list(report.department_rows.all())
    previous_departments = (
        {row.department_id: row for row in report.previous.department_rows.all()}
        if report.previous
        else {}
    )
    for row in departments:
        key = ("department", row.pk, "percent")
        row.cells = [
            "—" if getattr(row, column) is None else hide.count(("department", row.pk, column))
            for column in DEPARTMENT_COLUMNS
        ]
        row.shown_percent = hide.percent(key, row.percent_compliant)
        then = previous_departments.get(row.department_id)
        row.change = (
            _change(row.percent_compliant, then.percent_compliant)
            if then is not None
            and row.percent_compliant is not None
            and then.percent_compliant is not None
            and not hide.is_hidden(key)
            and not earlier.is_hidden(("department", then.pk, "percent"))
            else ""
        )
    requirements = list(report.requirement_rows.all())
    for row in requirements:
        row.shown_assigned = hide.count(("requirement", row.pk, "assigned"))
        row.shown_overdue = hide.count(("requirement", row.pk, "overdue"))
        row.shown_updates_due = (
            "—" if row.updates_due is None else hide.count(("requirement", row.pk, "updates_due"))
        )
        row.shown_percent = hide.percent(("requirement", row.pk, "percent"), row.percent_compliant)
    weeks = list(report.week_rows.all())
    return {
        "report": report,
        "threshold": threshold,
        "figures": figures,
        "percent_compliant": None if compliant_percent == "—" else compliant_percent,
        "previous_percent": None if previous_percent == "—" else previous_percent,
        "department_columns": [str(label) for label in DEPARTMENT_COLUMNS.values()],
        "departments": departments,
        "requirements": requirements,
        "weeks": weeks,
        "charts": [
            charts.department_chart(
                [
                    (
                        row.department_name,
                        None if row.shown_percent == "—" else row.shown_percent,
                    )
                    for row in departments
                ]
            ),
            charts.completions_chart(
                [(week.week_start, week.completions) for week in weeks], threshold=threshold
            ),
            charts.compliance_trend_chart(
                [
                    (
                        week.week_start,
                        None
                        if hide.is_hidden(("week", week.pk, "percent"))
                        else week.percent_compliant,
                    )
                    for week in weeks
                ]
            ),
        ],
    }
