"""What the progress report page and its PDF show, read only from the report's stored rows."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from lms.figures import percent
from lms.reports import charts
from lms.reports.models import ProgressReport
from lms.reports.privacy import shown_count

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


def report_context(report: ProgressReport) -> dict:
    threshold = threshold_of(report)
    values = dict(report.figures.values_list("key", "value"))
    before = dict(report.previous.figures.values_list("key", "value")) if report.previous else {}
    figures = [
        FigureLine(
            key=key,
            label=str(label),
            value=shown_count(values[key], threshold),
            change=_change(values[key], before.get(key)) if report.previous else "",
        )
        for key, label in FIGURE_LABELS.items()
        if key in values
    ]
    assigned = values.get("assigned", 0)
    compliant_percent = percent(values.get("compliant", 0), assigned)
    previous_percent = percent(before.get("compliant", 0), before.get("assigned"))
    departments = list(report.department_rows.all())
    previous_departments = (
        {row.department_id: row for row in report.previous.department_rows.all()}
        if report.previous
        else {}
    )
    for row in departments:
        earlier = previous_departments.get(row.department_id)
        row.change = (
            _change(row.percent_compliant or 0, earlier.percent_compliant or 0)
            if earlier is not None and row.percent_compliant is not None
            else ""
        )
    weeks = list(report.week_rows.all())
    return {
        "report": report,
        "threshold": threshold,
        "figures": figures,
        "percent_compliant": compliant_percent,
        "previous_percent": previous_percent,
        "departments": departments,
        "requirements": list(report.requirement_rows.all()),
        "weeks": weeks,
        "charts": [
            charts.department_chart(
                [
                    (
                        row.department_name,
                        None if threshold and row.assigned < threshold else row.percent_compliant,
                    )
                    for row in departments
                ]
            ),
            charts.completions_chart(
                [(week.week_start, week.completions) for week in weeks], threshold=threshold
            ),
            charts.compliance_trend_chart(
                [(week.week_start, week.percent_compliant) for week in weeks]
            ),
        ],
    }
