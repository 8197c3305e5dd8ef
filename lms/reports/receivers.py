"""Reports' answers to compliance's domain events, connected when this module is imported by
``ReportsConfig.ready()``."""

from django.dispatch import receiver

from lms.compliance import events
from lms.reports import aggregates


@receiver(events.standing_changed, dispatch_uid="reports.aggregates_on_standing")
def aggregates_on_standing(sender, department_ids, requirement_ids, **kwargs):
    """Recompute the aggregates of the pairs whose standing may have changed, on commit."""
    aggregates.standing_changed_later(
        department_ids=department_ids, requirement_ids=requirement_ids
    )
