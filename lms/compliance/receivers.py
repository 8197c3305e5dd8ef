"""Compliance's answers to courses' domain events (``courses.events``), connected when this
module is imported by ``ComplianceConfig.ready()``.

Compliance is installed before certificates, so on a completion the assignment facts are
written before the certificate is issued (tests/courses/test_quiz_submit_cost.py pins it).
"""

from django.dispatch import receiver

from courses import events
from lms.compliance import services
from lms.organisation import events as organisation_events


@receiver(events.completion_recorded, dispatch_uid="compliance.assignments_on_completion")
def assignments_on_completion(sender, completion, **kwargs):
    """A new completion counts for its holder's assignments."""
    services.assignment_completion_record(completion=completion)


@receiver(events.completion_revoked, dispatch_uid="compliance.assignments_on_revocation")
def assignments_on_revocation(sender, completion, **kwargs):
    """A revoked completion no longer counts; the training is due again by the date set."""
    services.completion_revocation_record(completion=completion)


@receiver(events.edition_published, dispatch_uid="compliance.assignments_on_edition")
def assignments_on_edition(sender, course_id, edition, **kwargs):
    """A new edition gives the holders of earlier ones its due date."""
    services.superseded_assignments_reassign(course_id=course_id, edition=edition)


@receiver(events.recertification_cycles, dispatch_uid="compliance.cycles_of_course")
def cycles_of_course(sender, course_id, **kwargs):
    """Which recertification cycles apply to a course."""
    return services.recertification_cycles(course_id=course_id)


@receiver(organisation_events.employees_changed, dispatch_uid="compliance.assignments_on_staff")
def assignments_on_staff(sender, employee_ids, **kwargs):
    """Joiners get the training their audience requires, transfers and leavers lose what no
    longer applies; the roster import reports the returned counts."""
    return services.assignments_sync(employee_ids=employee_ids)
