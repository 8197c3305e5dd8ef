"""What certificates tell the layers above them (reports): explicit domain events, sent by
their services when certificates are issued, re-issued or revoked.

Certificates never import reports (docs/architecture.md). The reports layer connects its
aggregates (``lms/reports/receivers.py``) and recomputes, when the transaction commits, the
certificate counts of the (department, course) pairs that changed.
"""

from collections.abc import Iterable

from django.dispatch import Signal

from certificates.models import Certificate

#: Certificates of the employees of ``department_ids`` (None: any department) in the courses
#: ``course_ids`` were issued, re-issued or revoked. ``issued``: the one certificate just issued
#: for a completion (one department, one course), which the receivers may count by itself.
certificates_changed = Signal()


def certificates_changed_send(
    *,
    department_ids: Iterable[int] | None,
    course_ids: Iterable[int],
    issued: Certificate | None = None,
) -> None:
    """Send :data:`certificates_changed` for the pairs ``department_ids`` x ``course_ids``."""
    certificates_changed.send(
        sender=None,
        department_ids=None if department_ids is None else frozenset(department_ids),
        course_ids=frozenset(course_ids),
        issued=issued,
    )
