"""Reports' answers to compliance's, courses' and certificates' domain events, connected when
this module is imported by ``ReportsConfig.ready()``.

Reports is installed after certificates: on a completion, certificates' receiver (which takes
the year's serial) runs before these (which take the holder's department's row), so every
transaction takes the two locks in the same order (tests/courses/test_quiz_submit_cost.py pins
it)."""

from django.dispatch import receiver

from certificates import events as certificates_events
from courses import events as courses_events
from lms.compliance import events
from lms.reports import aggregates


@receiver(events.standing_changed, dispatch_uid="reports.aggregates_on_standing")
def aggregates_on_standing(sender, department_ids, requirement_ids, audience_changed, **kwargs):
    """Recompute the aggregates of the pairs whose standing may have changed, on commit; when
    people or requirements changed, their departments' completions and certificates too."""
    aggregates.standing_changed_later(
        department_ids=department_ids, requirement_ids=requirement_ids, recount=audience_changed
    )


@receiver(courses_events.completion_recorded, dispatch_uid="reports.aggregates_on_completion")
def aggregates_on_completion(sender, completion, **kwargs):
    """A completion counts in the trend's completions of its holder's department, even when it
    changed no assignment (taken by someone not in the audience): one more, in its
    transaction."""
    aggregates.completion_counted(completion=completion)


@receiver(
    certificates_events.certificates_changed, dispatch_uid="reports.aggregates_on_certificates"
)
def aggregates_on_certificates(sender, department_ids, course_ids, issued=None, **kwargs):
    """A certificate issued for a completion: one more, in its transaction. Certificates issued
    in bulk, re-issued or revoked: their counts recomputed on commit."""
    if issued is not None:
        (department_id,) = department_ids
        (course_id,) = course_ids
        aggregates.certificate_counted(
            certificate=issued, department_id=department_id, course_id=course_id
        )
        return
    aggregates.standing_changed_later(
        department_ids=department_ids, requirement_ids=frozenset(), course_ids=course_ids
    )
