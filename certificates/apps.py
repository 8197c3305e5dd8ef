from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    """Certificates of completion and their public verification (see issue: certificates)."""

    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        # Connects the certificate issuing to courses' completion event.
        from certificates import receivers  # noqa: F401
