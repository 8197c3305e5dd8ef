"""The cells a roster repeats on every row (fifty a page): an assignment's status and its last
completion, written in Python instead of an included template per cell (with the column names
translated once per page, the liaison's department page renders in 17.1 ms instead of 20.5 ms;
docs/capacity.md)."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from lms.compliance.selectors import Status

register = template.Library()


@register.simple_tag
def status_cell(status: str, label: str, due_on) -> str:
    """An assignment's status in words: an owed update names its due date in a tag, overdue and
    expired are in bold."""
    if status == Status.UPDATE_DUE:
        sentence = gettext("Update due by %(date)s") % {"date": date_filter(due_on, "DATE_FORMAT")}
        return format_html(
            '<span class="usa-tag lms-status lms-status--update_due">{}</span>', sentence
        )
    if status in (Status.OVERDUE, Status.EXPIRED):
        return format_html("<strong>{}</strong>", label)
    return format_html("{}", label)


@register.simple_tag
def last_completed_cell(completed_at, edition, current_edition) -> str:
    """When the assignment was last completed, with the edition when it is not the course's
    current one; "Not yet" when never."""
    if not completed_at:
        return gettext("Not yet")
    # As the template filter sees it: in the current time zone (the day may differ from UTC's).
    when = date_filter(template_localtime(completed_at), "DATE_FORMAT")
    if edition and edition != current_edition:
        return format_html("{} {}", when, gettext("(edition %(edition)s)") % {"edition": edition})
    return format_html("{}", when)
