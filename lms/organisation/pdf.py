"""Every PDF the LMS makes (certificates, progress reports) is rendered here, by WeasyPrint,
through one URL fetcher that reaches only the project's own public files.

A PDF's HTML is rendered against :data:`BASE_URL`, an origin that is never contacted: its
relative links resolve there, and :class:`ProjectFilesFetcher` maps its ``/static/`` paths to
the static files (through the staticfiles finders) and its ``/media/`` paths to the public part
of the media storage (``PUBLIC_MEDIA_PREFIXES``: Wagtail's image renditions, such as the
certificate's logo and signature). It also reads ``data:`` URLs up to
:data:`MAX_DATA_URL_BYTES`. It refuses everything else:

- ``file://`` URLs, whatever the path;
- ``http://`` and ``https://`` URLs to any host, the site's own included: a PDF must not reach
  a page or a file past the checks of the view that serves it (``/documents/``, the private
  storage of generated files, which has no URL at all, or the other media folders);
- ``..``, ``.`` and empty path segments, also percent-encoded;
- ``data:`` URLs longer than :data:`MAX_DATA_URL_BYTES`.

WeasyPrint logs a refused URL as a warning and renders the rest of the page without it.

What every render shares is built once per worker thread (a worker is a process: gunicorn's
and django-q's run one render at a time) and kept: the font configuration, each parsed
stylesheet, and the fetcher, which keeps no state between fetches (it follows no redirects)
while building one sets up urllib's handler chain (about 0.3 ms).
"""

import threading
import time
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

#: The origin a PDF's relative links resolve against. It is never contacted (``.invalid`` is
#: reserved, RFC 2606): the fetcher maps its /static/ and /media/ paths to files.
BASE_URL = "https://pdf.invalid/"

#: The longest ``data:`` URL a PDF may hold, in characters (1 MB); its content is smaller still.
#: Nothing the project renders comes near it (the charts and the QR code are inline SVG).
MAX_DATA_URL_BYTES = 1024 * 1024

#: Tagged PDF/UA-1, for documents given to people (the certificate, the progress report).
PDF_UA_1 = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}

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
    """A URL outside the project's own public files."""


class ProjectFilesFetcher(URLFetcher):
    """Serve ``/static/`` through the staticfiles finders, the public ``/media/`` folders from
    storage, and ``data:`` URLs up to :data:`MAX_DATA_URL_BYTES`; refuse everything else."""

    def __init__(self):
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url[:5].lower() == "data:":
            if len(url) > MAX_DATA_URL_BYTES:
                raise FetchRefused(f"refused: a data: URL over {MAX_DATA_URL_BYTES} characters")
            return super().fetch(url, headers)
        parts = urlsplit(url)
        base = urlsplit(BASE_URL)
        if (parts.scheme.lower(), parts.netloc.lower()) != (base.scheme, base.netloc):
            raise FetchRefused(f"refused: {url}")
        path = unquote(parts.path)
        if (
            any(segment in ("", ".", "..") for segment in path.split("/")[1:])
            or "\\" in path
            or "\x00" in path
        ):
            raise FetchRefused(f"refused: {url}")
        if path.startswith(settings.STATIC_URL):
            body = _static_file(path.removeprefix(settings.STATIC_URL))
        elif path.startswith(settings.MEDIA_URL):
            body = _public_media_file(path.removeprefix(settings.MEDIA_URL))
        else:
            raise FetchRefused(f"refused: {url}")
        if body is None:
            raise FetchRefused(f"no such file: {url}")
        content_type = CONTENT_TYPES.get(_suffix(path), "application/octet-stream")
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def _static_file(name: str) -> bytes | None:
    found = finders.find(name)
    if not found:
        return None
    with open(found, "rb") as file:
        return file.read()


def static_text(name: str) -> str:
    """The text of the static file ``name`` (e.g. ``css/lms-charts.css``), found as the fetcher
    finds it: for a stylesheet written into a PDF's HTML, where WeasyPrint fetches none (an
    inline SVG's ``@import`` fails in WeasyPrint 70: its SVG tree has no fetch_url)."""
    body = _static_file(name)
    if body is None:
        raise FetchRefused(f"no such static file: {name}")
    return body.decode("utf-8")


def _public_media_file(name: str) -> bytes | None:
    if not name.startswith(tuple(settings.PUBLIC_MEDIA_PREFIXES)):
        raise FetchRefused(f"refused: /media/{name} is not public")
    try:
        with default_storage.open(name, "rb") as file:
            return file.read()
    except FileNotFoundError:
        return None


def _suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def media_url(name: str) -> str:
    """The address of a public media file (e.g. an image rendition) in a PDF's HTML."""
    return BASE_URL.rstrip("/") + settings.MEDIA_URL + name


_worker = threading.local()


def project_files_fetcher() -> ProjectFilesFetcher:
    """The worker's fetcher, built once."""
    try:
        return _worker.fetcher
    except AttributeError:
        _worker.fetcher = ProjectFilesFetcher()
        return _worker.fetcher


def font_configuration() -> FontConfiguration:
    """The worker's font configuration, built once."""
    try:
        return _worker.font_config
    except AttributeError:
        _worker.font_config = FontConfiguration()
        return _worker.font_config


def stylesheet(template: str) -> CSS:
    """The stylesheet template ``template``, rendered and parsed once per worker."""
    try:
        sheets = _worker.stylesheets
    except AttributeError:
        sheets = _worker.stylesheets = {}
    try:
        return sheets[template]
    except KeyError:
        sheets[template] = CSS(
            string=render_to_string(template),
            base_url=BASE_URL,
            url_fetcher=project_files_fetcher(),
            font_config=font_configuration(),
        )
        return sheets[template]


#: How long a worker keeps the images it fetched (a seal, a logo, a chart's image) decoded and
#: ready to embed: a settings change that replaces an image file in place shows within this.
IMAGE_CACHE_SECONDS = 300


def image_cache() -> dict:
    """The worker's WeasyPrint image cache (by URL): the seal and logo on every certificate
    are read, decoded and compressed once, not on every render. Renewed every
    :data:`IMAGE_CACHE_SECONDS`, so it holds only the images of the last few minutes."""
    now = time.monotonic()
    born = getattr(_worker, "images_born", None)
    if born is None or now - born > IMAGE_CACHE_SECONDS:
        _worker.images, _worker.images_born = {}, now
    return _worker.images


def image_cache_clear() -> None:
    """Forget the worker's images (tests, which reuse media names between cases)."""
    _worker.images_born = None


def html_to_pdf(html: str, *, stylesheet_template: str, **options) -> bytes:
    """Render ``html`` with the stylesheet template ``stylesheet_template`` into a PDF.

    ``options`` go to WeasyPrint's ``write_pdf`` (e.g. :data:`PDF_UA_1`). Every URL in the
    HTML and the stylesheet goes through the project's fetcher.
    """
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=project_files_fetcher())
    return document.write_pdf(
        stylesheets=[stylesheet(stylesheet_template)],
        font_config=font_configuration(),
        **{"cache": image_cache(), **options},
    )
