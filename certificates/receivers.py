"""Certificates' answer to courses' domain events (``courses.events``), connected when this
module is imported by ``CertificatesConfig.ready()``."""

from django.dispatch import receiver

from certificates import services
from courses import events


@receiver(events.completion_recorded, dispatch_uid="certificates.certificate_on_completion")
def certificate_on_completion(sender, completion, **kwargs):
    """Every completion, first time or recertification, issues its certificate in the same
    transaction; the PDF is rendered by a task once it commits."""
    # The completion was just inserted, so it has no certificate yet: no need to look for one.
    services.certificate_issue(
        completion=completion, now=completion.completed_at, completion_is_new=True
    )
