"""Admin widgets that run under the Content-Security-Policy (no ``'unsafe-inline'``)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from wagtail.images.widgets import AdminImageChooser

from lms.http import request_nonce


class ImageChooser(AdminImageChooser):
    """Wagtail's image chooser, its inline ``<script>`` (which starts the chooser) given the
    request's CSP nonce. Wagtail writes it bare: the policy blocked it, and "Choose an image"
    did nothing (the city's logo and seal, the certificate's logo and signature)."""

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs=attrs, renderer=renderer)
        nonce = request_nonce()
        if not nonce:
            return html
        widget, tag, script = html.rpartition("<script>")
        if not tag:
            return html
        return mark_safe(f'{widget}<script nonce="{escape(nonce)}">{script}')  # noqa: S308
