"""Template tags for pages of the layers above courses that list courses (the home page)."""

from django import template
from django.utils import translation
from django.utils.html import format_html

from courses import selectors

register = template.Library()


@register.simple_tag
def live_courses(page):
    """The live courses under ``page``, in the page tree's order, their titles and summaries
    in the reader's language where an approved translation exists."""
    return selectors.courses_shown(
        courses=selectors.live_courses_under(page=page), language=translation.get_language()
    )


@register.simple_tag
def courses_in_reader_language(courses):
    """``courses`` (source courses, as the training index lists them) with their titles and
    summaries in the reader's language where an approved translation exists (one query)."""
    return selectors.courses_shown(courses=courses, language=translation.get_language())


@register.filter
def in_lang(text, lang):
    """``text`` marked as being in ``lang`` (``<span lang="es">…</span>``), for course content
    inside a sentence of the interface: screen readers then pronounce it in its language."""
    if not lang:
        return text
    return format_html('<span lang="{}">{}</span>', lang, text)
