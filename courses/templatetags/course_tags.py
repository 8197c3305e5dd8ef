"""Template tags for pages of the layers above courses that list courses (the home page)."""

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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


#: The templates of the cached parts: they get the page and nothing else (no request, no user).
BODY_TEMPLATES = {
    "lesson": "courses/includes/lesson_body.html",
    "course": "courses/includes/course_body.html",
}


@register.simple_tag(takes_context=True)
def rendered_body(context, page, part):
    """A lesson's body (``part="lesson"``) or a course's description (``"course"``), rendered
    once per live revision and language and then read from the cache (docs/caching.md).

    The part's template sees only ``page``: nothing about the learner or their access can end
    up in the cached HTML, and the access checks of the page run before, on every request. A
    draft in preview is rendered and never cached."""
    request = context.get("request")
    key = selectors.body_cache_key(
        page=page,
        part=part,
        language=translation.get_language(),
        preview=bool(getattr(request, "is_preview", False)),
    )
    html = cache.get(key) if key else None
    if html is None:
        html = render_to_string(BODY_TEMPLATES[part], {"page": page})
        if key:
            cache.set(key, html, settings.RENDERED_BODY_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 (our own template rendered it, escaping as always)
