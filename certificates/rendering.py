"""The certificate PDF: a template of its own, a QR code and WeasyPrint, with no network.

It renders through :mod:`lms.organisation.pdf`, whose fetcher serves the template's links
(stylesheet, logo, signature) from the project's static files and public media only. The
worker keeps the fonts, the parsed stylesheet and the fetcher between renders.
"""

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateSettings
from lms.models import OrganisationSettings
from lms.organisation import pdf

TEMPLATE = "certificates/certificate_pdf.html"
STYLESHEET = "certificates/certificate_pdf.css"
#: The seal printed when OEI has set none: drawn for the project, clearly not the city's
#: (static/img/seal-placeholder.svg, rasterised at 300 px as a JPEG: embedded as it is, where
#: an SVG's shapes and lettering are drawn again on every certificate).
PLACEHOLDER_SEAL = "img/seal-placeholder.jpg"
PDF_OPTIONS = pdf.PDF_UA_1


#: The QR code's data mask, fixed. Left to itself segno applies all eight masks and scores
#: each (ISO/IEC 18004, 7.8.3), which is four fifths of its time (about 5.5 of 7 ms a code).
#: Any mask gives a valid symbol; the score only ranks patterns a scanner might find harder.
#: For verification URLs, mask 3 scores within a few percent of the best on average, and
#: decodes as well as segno's own pick with the same damage (zxing-cpp, stains over 6 to 13%
#: of the symbol).
QR_MASK = 3


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG; the PDF template prints exactly this.

    Error correction level M: level L would give a verification URL a smaller symbol (version
    4, 33 x 33 modules, instead of 5) that WeasyPrint draws about 2 ms faster, but it stops
    decoding once a stain covers some 5% of it, where M still reads with 9%.

    The SVG's ``<title>`` names it (in the active language): WeasyPrint makes it the tagged
    Figure's alternative text (``/Alt``), which PDF/UA-1 requires of every figure.
    """
    title = _("QR code linking to the page that verifies this certificate: %(url)s") % {"url": url}
    return segno.make(url, error="m", micro=False, mask=QR_MASK).svg_inline(
        scale=4, border=2, dark="#000", omitsize=True, title=title
    )


#: Every image on a certificate is a JPEG on the page's white: WeasyPrint embeds a JPEG's bytes
#: as they are, where it splits and recompresses a PNG (and its transparency) on every render.
CERTIFICATE_IMAGE = "|format-jpeg|jpegquality-92|bgcolor-ffffff"


def _media_url(image, spec: str) -> str | None:
    if image is None:
        return None
    return pdf.media_url(image.get_rendition(spec + CERTIFICATE_IMAGE).file.name)


def _office_in_title(office: str, title: str) -> bool:
    """Whether the signatory's title already names the issuing office ("Director, Office of
    Equity and Inclusion" and "Office of Equity and Inclusion (OEI)"): it is printed once."""
    name = office.split(" (")[0].strip().casefold()
    return bool(name) and name in title.casefold()


def certificate_html(*, certificate: Certificate) -> str:
    """The certificate as the HTML WeasyPrint renders (also what a preview shows)."""
    signing = CertificateSettings.load()
    organisation = OrganisationSettings.load()
    seal_url = _media_url(organisation.seal, "max-300x300") or (
        pdf.BASE_URL.rstrip("/") + settings.STATIC_URL + PLACEHOLDER_SEAL
    )
    language = certificate.employee.preferred_language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        return render_to_string(
            TEMPLATE,
            {
                "certificate": certificate,
                "settings_": signing,
                # The certificate's own logo, else the city's (set once, organisation settings).
                "logo_url": _media_url(signing.logo or organisation.logo, "max-400x160"),
                "signature_url": _media_url(signing.signature, "max-400x120"),
                "seal_url": seal_url,
                "seal_is_placeholder": organisation.seal is None,
                "show_issuer": not _office_in_title(
                    certificate.issuing_office, signing.signatory_title
                ),
                "verification_url": certificate.verification_url,
                "qr": qr_svg(certificate.verification_url),
                "language": language,
            },
        )


def pdf_from_html(html: str) -> bytes:
    return pdf.html_to_pdf(html, stylesheet_template=STYLESHEET, **PDF_OPTIONS)


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """Render the certificate's PDF (tagged PDF/UA-1, title and language set)."""
    return pdf_from_html(certificate_html(certificate=certificate))
