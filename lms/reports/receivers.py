"""Reports' answers to compliance's, courses' and certificates' domain events, connected when
this module is imported by ``ReportsConfig.ready()``."""

from django.dispatch import receiver

from certificates import events as certificates_events
from courses import events as courses_events
from lms.compliance import events
from lms.reports import aggregates


@receiver(events.standing_changed, dispatch_uid="reports.aggregates_on_standing")
def aggregates_on_standing(sender, department_ids, requirement_ids, **kwargs):
    """Recompute the aggregates of the pairs whose standing may have changed, on commit."""
    aggregates.standing_changed_later(
        department_ids=department_ids, requirement_ids=requirement_ids
    )


@receiver(courses_events.completion_recorded, dispatch_uid="reports.aggregates_on_completion")
def aggregates_on_completion(sender, completion, **kwargs):
    """A completion counts in the trend's completions of its holder's department even when it
    changed no assignment (taken by someone not in the audience): recompute them on commit.
    (When it did change some, compliance's event asked for the same; they are merged.)"""
    aggregates.standing_changed_later(
        department_ids=frozenset([completion.employee.department_id]),
        requirement_ids=frozenset(),
        course_ids=frozenset([completion.course_id]),
    )


@receiver(
    certificates_events.certificates_changed, dispatch_uid="reports.aggregates_on_certificates"
)
def aggregates_on_certificates(sender, department_ids, course_ids, **kwargs):
    """Certificates issued, re-issued or revoked: recompute their counts on commit."""
    aggregates.standing_changed_later(
        department_ids=department_ids, requirement_ids=frozenset(), course_ids=course_ids
    )
