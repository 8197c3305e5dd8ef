"""django-q2 tasks: render a certificate's PDF, build a department's ZIP."""

from certificates import services
from certificates.models import Certificate, CertificateArchive


def certificate_render(certificate_id: int) -> str:
    """Render and cache one certificate's PDF (nothing to do if it is already stored)."""
    certificate = Certificate.objects.select_related("employee").get(pk=certificate_id)
    return services.certificate_pdf_ensure(certificate=certificate).pdf.name


def certificate_archive_build(archive_id: int) -> str:
    archive = CertificateArchive.objects.select_related("department").get(pk=archive_id)
    if archive.state == CertificateArchive.State.READY:
        return archive.file.name  # run twice (a retry): the archive is already there
    return services.certificate_archive_build(archive=archive).file.name
