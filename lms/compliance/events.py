"""What compliance tells the layers above it (reports): explicit domain events, sent by its
services when the facts an assignment's status is computed from change.

Compliance never imports reports (docs/architecture.md). The reports layer connects its
aggregates (``lms/reports/receivers.py``) and recomputes, when the transaction commits, the
counts of the (department, requirement) pairs that changed.
"""

from collections.abc import Iterable

from django.dispatch import Signal

#: The standing of some assignments may have changed: those of the departments
#: ``department_ids`` under the requirements ``requirement_ids`` (None: every one).
#: ``audience_changed``: people or requirements changed (the assignment sync: joiners,
#: transfers, leavers, rehires, a requirement's audience or course), or the facts were replayed
#: from records written around the services; what is counted per department and course
#: (completions, certificates) may have moved with them, not only the standings. A completion,
#: an extension, an exemption or a new edition moves only standings (a completion's own event,
#: ``courses.events.completion_recorded``, tells of the completion).
standing_changed = Signal()


def standing_changed_send(
    *,
    department_ids: Iterable[int] | None = None,
    requirement_ids: Iterable[int] | None = None,
    audience_changed: bool = False,
) -> None:
    """Send :data:`standing_changed` for the pairs ``department_ids`` x ``requirement_ids``."""
    standing_changed.send(
        sender=None,
        department_ids=None if department_ids is None else frozenset(department_ids),
        requirement_ids=None if requirement_ids is None else frozenset(requirement_ids),
        audience_changed=audience_changed,
    )
