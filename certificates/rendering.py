"""The certificate PDF: a template of its own, a QR code and WeasyPrint, with no network.

WeasyPrint fetches what the template links to (stylesheet, logo, signature) through
:class:`ProjectFilesFetcher`, which serves the project's static files and stored media and
``data:`` URLs, and refuses everything else: no HTTP, no other ``file://`` paths.
"""

from functools import cache
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certificates.models import Certificate, CertificateSettings

#: The origin WeasyPrint resolves the template's relative links against. It is never
#: contacted: the fetcher maps its /static/ and /media/ paths to files.
BASE_URL = "https://certificate.invalid/"
TEMPLATE = "certificates/certificate_pdf.html"
STYLESHEET = "certificates/certificate_pdf.css"
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}
CONTENT_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


class FetchRefused(ValueError):
    """A URL outside the project's own files."""


class ProjectFilesFetcher(URLFetcher):
    """Serve ``/static/`` through the staticfiles finders, ``/media/`` from storage, and
    ``data:`` URLs; refuse everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=("https", "data"), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            raise FetchRefused(f"refused: {url}")
        path = unquote(parts.path)
        if ".." in path.split("/"):
            raise FetchRefused(f"refused: {url}")
        content_type = CONTENT_TYPES.get(_suffix(path), "application/octet-stream")
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path.removeprefix(settings.STATIC_URL))
            if not found:
                raise FetchRefused(f"no such static file: {url}")
            with open(found, "rb") as file:
                body = file.read()
        elif path.startswith(settings.MEDIA_URL):
            name = path.removeprefix(settings.MEDIA_URL)
            with default_storage.open(name, "rb") as file:
                body = file.read()
        else:
            raise FetchRefused(f"refused: {url}")
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


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
    """
    return segno.make(url, error="m", micro=False, mask=QR_MASK).svg_inline(
        scale=4, border=2, dark="#000", omitsize=True, title=None
    )


def _media_url(image, spec: str) -> str | None:
    if image is None:
        return None
    rendition = image.get_rendition(spec)
    return BASE_URL.rstrip("/") + settings.MEDIA_URL + rendition.file.name


def certificate_html(*, certificate: Certificate) -> str:
    """The certificate as the HTML WeasyPrint renders (also what a preview shows)."""
    signing = CertificateSettings.load()
    language = certificate.employee.preferred_language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        return render_to_string(
            TEMPLATE,
            {
                "certificate": certificate,
                "settings_": signing,
                "logo_url": _media_url(signing.logo, "max-400x160"),
                "signature_url": _media_url(signing.signature, "max-400x120"),
                "verification_url": certificate.verification_url,
                "qr": qr_svg(certificate.verification_url),
                "language": language,
            },
        )


@cache
def _renderer() -> tuple[FontConfiguration, CSS]:
    """What every render in a worker shares: the fonts and the parsed stylesheet."""
    font_config = FontConfiguration()
    stylesheet = CSS(
        string=render_to_string(STYLESHEET),
        base_url=BASE_URL,
        url_fetcher=ProjectFilesFetcher(),
        font_config=font_config,
    )
    return font_config, stylesheet


@cache
def _fetcher() -> ProjectFilesFetcher:
    """One fetcher per worker: building one sets up urllib's handler chain (about 0.3 ms), and
    it keeps no state between fetches (it follows no redirects)."""
    return ProjectFilesFetcher()


def pdf_from_html(html: str) -> bytes:
    font_config, stylesheet = _renderer()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config, **PDF_OPTIONS)


def certificate_pdf(*, certificate: Certificate) -> bytes:
    """Render the certificate's PDF (tagged PDF/UA-1, title and language set)."""
    return pdf_from_html(certificate_html(certificate=certificate))
