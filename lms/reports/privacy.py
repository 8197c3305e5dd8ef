"""Small-count suppression for what is published: a count below the threshold could point at
a person, so it shows as "fewer than N" (and a percentage of so few people is not shown)."""

from django.utils.translation import gettext as _


def shown_count(count: int, threshold: int = 0):
    """``count``, or "fewer than N" when a threshold applies and the count is below it."""
    if threshold and count < threshold:
        return _("fewer than %(threshold)d") % {"threshold": threshold}
    return count


def shown_percent(percent: int | None, *, out_of: int, threshold: int = 0):
    """A percentage, unless it is a share of fewer people than the threshold (then "—")."""
    if percent is None or (threshold and out_of < threshold):
        return "—"
    return percent
