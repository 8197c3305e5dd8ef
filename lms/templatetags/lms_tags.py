"""Template helpers for the public site (U.S. Web Design System markup)."""

from django import forms, template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lms.http import request_nonce
from lms.organisation.selectors import is_supervisor

register = template.Library()

_INPUT_CLASSES = {
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.Textarea: "usa-textarea",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.RadioSelect: "usa-radio__input",
}


@register.simple_tag
def usa_widget(bound_field):
    """Render a form field's widget with USWDS classes and its help and error ids linked."""
    widget = bound_field.field.widget
    css = next((css for cls, css in _INPUT_CLASSES.items() if isinstance(widget, cls)), "usa-input")
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-hint")
    attrs = {"class": css}
    if bound_field.errors:
        if css in ("usa-input", "usa-select", "usa-textarea"):
            attrs["class"] += " usa-input--error"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}-error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def csp_nonce(context) -> str:
    """The request's CSP nonce, for an inline ``<script nonce="...">`` Wagtail's admin writes."""
    return request_nonce(context.get("request"))


@register.inclusion_tag("includes/sample_content_notice.html")
def sample_content_notice(*, plain: bool = False) -> dict[str, bool]:
    """The "sample content" notice, while demo content is loaded (LMS_SAMPLE_CONTENT_NOTICE).

    ``plain`` is for PDFs, which have no U.S. Web Design System styles."""
    return {"notice_on": settings.LMS_SAMPLE_CONTENT_NOTICE, "plain": plain}


@register.simple_tag(takes_context=True)
def supervises_someone(context) -> bool:
    """Whether the signed-in user supervises someone (issue 19): the navigation links "My
    team" only for them. One query, once per request."""
    request = context.get("request")
    if request is None:
        return False
    if not hasattr(request, "_lms_supervises"):
        request._lms_supervises = is_supervisor(user=request.user)
    return request._lms_supervises


@register.filter
def breakable_path(path) -> SafeString:
    """A server path (``/srv/hr/feed``), escaped, with a line break allowed after each ``/``:
    a long folder name does not cut off or widen a page on a phone."""
    return mark_safe("/<wbr>".join(escape(part) for part in str(path).split("/")))  # noqa: S308
