from django import template

from lms.reports.privacy import shown_percent

register = template.Library()


@register.simple_tag
def percent(value, out_of, threshold=0):
    """``{% percent row.percent_compliant row.assigned threshold %}``: "—" when unknown or
    when it is a share of fewer people than the threshold."""
    shown = shown_percent(value, out_of=out_of or 0, threshold=threshold or 0)
    return shown if shown == "—" else f"{shown}%"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
