"""What a PDF could reach if its URL fetcher let it: a web server on this machine that counts
the requests it gets, a PNG outside the project's files, and readers for what a PDF embeds.

A resource WeasyPrint fetched shows in the PDF: an ``<img>`` as an image on the page, a
``<link rel="attachment">`` as an embedded file. The tests put both kinds of tag in a PDF's
HTML and check that nothing came in and that the server was never asked.
"""

import io
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from struct import pack

import pypdf
import pytest


def png(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG (black pixels), written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return pack(">I", len(data)) + kind + data + pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class _Recorder(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.paths.append(self.path)
        body = png()
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def web_server():
    """A web server on 127.0.0.1 that answers every GET with a PNG; yields it, with
    ``.origin`` (``http://127.0.0.1:<port>``) and ``.paths`` (what it was asked for)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.paths = []
    server.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def outside_png(tmp_path):
    """A PNG in a temporary folder, outside the static files and the media folder."""
    path = tmp_path / "outside.png"
    path.write_bytes(png())
    return path


#: Tags that make WeasyPrint fetch, one for each kind of URL the fetcher must refuse; each
#: names what it reaches for. ``{origin}`` is the web server's, ``{png}`` the outside PNG's path,
#: ``{data}`` a ``data:`` URL over the limit.
PROBES = {
    "another host": '<img alt="" src="{origin}/other-host.png">',
    "the site's own host": '<link rel="attachment" href="{origin}/certificates/1/pdf/">',
    "a file outside static and media": '<img alt="" src="file://{png}">',
    "/etc/passwd": '<link rel="attachment" href="file:///etc/passwd">',
    "a project file by a relative path": '<link rel="attachment" href="manage.py">',
    "a relative path up and out": '<link rel="attachment" href="../../../../../../etc/passwd">',
    "an encoded .. out of static": (
        '<link rel="attachment" href="static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd">'
    ),
    "a large data: URL": '<link rel="attachment" href="{data}">',
}


def probe(name: str, *, origin: str, png_path, data_url: str) -> str:
    return PROBES[name].format(origin=origin, png=png_path, data=data_url)


def pdf_images(pdf: bytes) -> list:
    return [image for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for image in page.images]


def pdf_attachments(pdf: bytes) -> dict:
    return pypdf.PdfReader(io.BytesIO(pdf)).attachments
