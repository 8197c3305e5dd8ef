"""Admin widgets that run under the Content-Security-Policy (no ``'unsafe-inline'``).

Wagtail 8's choosers (``BaseChooser.render``) write the widget's HTML followed by a bare inline
``<script>`` that starts the chooser (``new PageChooser(...)``): the policy refuses it, and
"Choose a page", "Choose an image", "Choose department" did nothing. The choosers here give that
script, which is Wagtail's own text (never what a user typed: their values are in the widget's
escaped HTML before it), the request's CSP nonce.

Every project form gets the page and snippet choosers without naming them:
``lms/wagtail_hooks.py`` registers :class:`PageChooser` for every foreign key to a page
(``register_form_field_override``), and the project's snippet viewsets use
``lms.choosers.SnippetChooserViewSet``, whose widget is :class:`SnippetChooser`. Wagtail's image
chooser viewset registers its own widget when the admin's URLs load, after any hook module, so
an image field names :class:`ImageChooser` in its ``FieldPanel``. Wagtail's date,
time and date-time inputs and its inline panels write their scripts from templates: our copies
in ``lms/templates/wagtailadmin/`` carry the nonce.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.admin.widgets import AdminPageChooser
from wagtail.images.widgets import AdminImageChooser
from wagtail.snippets.widgets import AdminSnippetChooser

from lms.http import request_nonce


def script_with_nonce(html: str) -> str:
    """``html`` as a chooser renders it (its HTML, then ``<script>…</script>``), the last bare
    ``<script>`` given the request's nonce; unchanged when there is no nonce or no such tag."""
    nonce = request_nonce()
    if not nonce:
        return html
    widget, tag, script = html.rpartition("<script>")
    if not tag:
        return html
    return mark_safe(f'{widget}<script nonce="{escape(nonce)}">{script}')  # noqa: S308


class NonceScriptChooser:
    """A Wagtail chooser (``BaseChooser``) whose inline script carries the request's nonce."""

    def render(self, name, value, attrs=None, renderer=None):
        return script_with_nonce(super().render(name, value, attrs=attrs, renderer=renderer))


class ImageChooser(NonceScriptChooser, AdminImageChooser):
    """Wagtail's image chooser (the city's logo and seal, the certificate's logo and
    signature), its script given the nonce."""


class PageChooser(NonceScriptChooser, AdminPageChooser):
    """Wagtail's page chooser (a training requirement's course), its script given the nonce."""


class SnippetChooser(NonceScriptChooser, AdminSnippetChooser):
    """Wagtail's snippet chooser (an employee's department), its script given the nonce."""
