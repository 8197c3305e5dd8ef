"""The one percentage formula: a part of a whole in whole percent.

Compliance figures round **down** (a department 99.6 % compliant is not shown as 100 %) and are
unknown (``None``) when nobody counts; progress bars round to the **nearest** percent and show 0
for an empty whole.
"""


def percent(part: int, whole: int, *, nearest: bool = False, empty: int | None = None):
    """``part`` of ``whole`` in whole percent, rounded down unless ``nearest``; ``empty`` when
    ``whole`` is 0."""
    if not whole:
        return empty
    if nearest:
        return round(100 * part / whole)
    return part * 100 // whole
