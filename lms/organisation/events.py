"""What the organisation tells the layers above it: explicit domain events, sent by its services.

The organisation is the base layer (docs/architecture.md): it never imports compliance. When
employees are created, moved, deactivated or reactivated, its services send
:data:`employees_changed` inside their transaction; compliance connects its assignment sync
(``lms/compliance/receivers.py``) and answers with the :class:`SyncStats` of what it moved, which
the roster import reports.
"""

from dataclasses import dataclass

from django.dispatch import Signal

#: Employees were saved (one by hand, or a chunk of a roster import): ``employee_ids``. Each
#: receiver brings the employees' training in step and returns a :class:`SyncStats`.
employees_changed = Signal()


@dataclass(frozen=True)
class SyncStats:
    created: int = 0
    reactivated: int = 0
    deactivated: int = 0

    def __add__(self, other: "SyncStats") -> "SyncStats":
        return SyncStats(
            self.created + other.created,
            self.reactivated + other.reactivated,
            self.deactivated + other.deactivated,
        )


def employees_changed_send(*, employee_ids: list[int]) -> SyncStats:
    """Send :data:`employees_changed` and add up what its receivers moved."""
    total = SyncStats()
    for _receiver, stats in employees_changed.send(sender=None, employee_ids=employee_ids):
        total += stats
    return total
