"""Template tags for pages of the layers above courses that list courses (the home page)."""

from django import template

from courses import selectors

register = template.Library()


@register.simple_tag
def live_courses(page):
    """The live courses under ``page``, in the page tree's order."""
    return selectors.live_courses_under(page=page)
