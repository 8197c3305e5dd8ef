"""Export rows: every assignment as plain text tuples, streamed for CSV and XLSX exports."""

from collections.abc import Iterator

from django.db.models import (
    CharField,
    QuerySet,
)
from django.db.models.functions import Cast

from lms.compliance.models import Assignment


def assignment_export_rows(assignments: QuerySet[Assignment]) -> Iterator[tuple]:
    """Every assignment as a plain tuple of text, streamed from the database in chunks: the
    department's code, employee number, last and first names, requirement, status, the
    effective due date as ``YYYY-MM-DD``, the rule that set the due date (``due_rule``, its
    days and the assigned due date as ``YYYY-MM-DD``: issue 19), the last completion's (any
    edition: a superseded one too) UTC timestamp as ``YYYY-MM-DD HH:MM:SS...`` (or None) and its
    edition. Dates come as the database's text, so a million rows need no converter per row."""
    return (
        assignments.order_by("employee__department__code", "employee__employee_number", "pk")
        .annotate(
            due_text=Cast("effective_due_on", CharField()),
            completed_text=Cast("latest_completed_at", CharField()),
            assigned_due_text=Cast("due_on", CharField()),
        )
        .values_list(
            "employee__department__code",
            "employee__employee_number",
            "employee__user__last_name",
            "employee__user__first_name",
            "requirement__name",
            "status",
            "due_text",
            "due_rule",
            "due_rule_days",
            "assigned_due_text",
            "completed_text",
            "latest_completion_edition",
        )
        .iterator(chunk_size=5000)
    )
