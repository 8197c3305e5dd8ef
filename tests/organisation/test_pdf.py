"""The URL fetcher every PDF renders through: the project's static files, its public media and
small ``data:`` URLs, and nothing else."""

import base64

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from lms.organisation import pdf
from lms.organisation.pdf import (
    BASE_URL,
    IMAGE_CACHE_SECONDS,
    MAX_DATA_URL_BYTES,
    FetchRefused,
    ProjectFilesFetcher,
    html_to_pdf,
    image_cache,
    project_files_fetcher,
)
from lms.storage import private_storage
from tests.pdf_probes import pdf_images, png


@pytest.fixture
def fetcher():
    return ProjectFilesFetcher()


@pytest.mark.parametrize(
    "url",
    [
        # file://, in and out of the project
        "file:///etc/passwd",
        "file:///proc/self/environ",
        "FILE:///etc/passwd",
        "file://localhost/etc/passwd",
        "file:///{static}/css/lms.css",
        # other hosts, and the site's own (its pages and files have their own access checks)
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        "https://example.com/static/css/lms.css",
        "http://127.0.0.1:8000/static/css/lms.css",
        "http://127.0.0.1:8000/documents/1/secret.pdf",
        "https://pdf.invalid.example.com/static/css/lms.css",
        "http://pdf.invalid/static/css/lms.css",
        "https://pdf.invalid:8443/static/css/lms.css",
        "https://user@pdf.invalid/static/css/lms.css",
        "ftp://example.com/logo.png",
        # outside /static/ and /media/ on the PDF's own origin
        f"{BASE_URL}etc/passwd",
        f"{BASE_URL}documents/1/secret.pdf",
        f"{BASE_URL}certificates/1/pdf/",
        # .. and friends, plain and encoded
        f"{BASE_URL}static/../../etc/passwd",
        f"{BASE_URL}static/%2e%2e/%2e%2e/etc/passwd",
        f"{BASE_URL}static/%2E%2E%2F%2E%2E%2Fetc/passwd",
        f"{BASE_URL}static/css/..%2f..%2f..%2fetc/passwd",
        f"{BASE_URL}static//etc/passwd",
        f"{BASE_URL}static/%2Fetc/passwd",
        f"{BASE_URL}static/./css/lms.css",
        f"{BASE_URL}static/..%5c..%5cetc/passwd",
        f"{BASE_URL}media/images/../documents/secret.pdf",
        f"{BASE_URL}media/%00images/x.png",
        # files that do not exist
        f"{BASE_URL}static/no-such-file.png",
        f"{BASE_URL}media/images/no-such-file.png",
    ],
)
def test_the_fetcher_refuses_everything_outside_the_projects_files(fetcher, settings, url):
    url = url.format(static=str(settings.BASE_DIR / "static").lstrip("/"))
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)


@pytest.mark.parametrize(
    "name",
    [
        "documents/secret.pdf",  # Wagtail's documents: served by /documents/ after its checks
        "original_images/seal.png",  # an image's original, never published as it is
        "certificates/pdf/x.pdf",  # what the private storage holds, were it ever here
        "imagesX/seal.png",
    ],
)
def test_the_fetcher_refuses_media_outside_the_public_folders(fetcher, name):
    default_storage.save(name, ContentFile(png()))
    with pytest.raises(FetchRefused):
        fetcher.fetch(f"{BASE_URL}media/{name}")


def test_the_fetcher_never_reads_the_private_storage(fetcher):
    """Generated records (certificate PDFs, report exports) have no URL, and no PDF embeds
    them: whatever their name, the fetcher does not find them."""
    name = private_storage().save("images/private.png", ContentFile(png()))
    assert not default_storage.exists(name)
    with pytest.raises(FetchRefused):
        fetcher.fetch(f"{BASE_URL}media/{name}")


def test_the_fetcher_refuses_data_urls_over_the_limit(fetcher):
    assert MAX_DATA_URL_BYTES == 1024 * 1024
    prefix = "data:text/plain,"
    fits = prefix + "a" * (MAX_DATA_URL_BYTES - len(prefix))
    assert fetcher.fetch(fits).read() == b"a" * (MAX_DATA_URL_BYTES - len(prefix))
    with pytest.raises(FetchRefused):
        fetcher.fetch(fits + "a")
    encoded = "data:image/png;base64," + base64.b64encode(b"\0" * MAX_DATA_URL_BYTES).decode()
    with pytest.raises(FetchRefused):
        fetcher.fetch(encoded)
    with pytest.raises(FetchRefused):
        fetcher.fetch("DATA:text/plain," + "a" * MAX_DATA_URL_BYTES)


def test_the_fetcher_serves_static_public_media_and_small_data_urls(fetcher):
    css = fetcher.fetch(f"{BASE_URL}static/css/lms.css")
    assert css.content_type == "text/css" and b".lms-main" in css.read()
    name = default_storage.save("images/seal.max-400x160.png", ContentFile(png()))
    media = fetcher.fetch(f"{BASE_URL}media/{name}")
    assert media.content_type == "image/png" and media.read() == png()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    small = "data:image/png;base64," + base64.b64encode(png()).decode()
    assert fetcher.fetch(small).read() == png()


def test_a_pdf_embeds_a_public_image_by_a_relative_address():
    default_storage.save("images/dot.png", ContentFile(png()))
    html = '<html lang="en"><title>T</title><img alt="" src="media/images/dot.png"></html>'
    assert (
        len(pdf_images(html_to_pdf(html, stylesheet_template="reports/progress_report_pdf.css")))
        == 1
    )


def test_one_fetcher_per_worker():
    assert project_files_fetcher() is project_files_fetcher()


def test_a_worker_reads_each_image_once_for_a_few_minutes(monkeypatch):
    """The seal and logo on every certificate are fetched and decoded once per worker, and
    fetched again once the cache is older than IMAGE_CACHE_SECONDS."""
    default_storage.save("images/dot.png", ContentFile(png()))
    html = '<html lang="en"><title>T</title><img alt="" src="media/images/dot.png"></html>'
    fetched = []
    fetch = ProjectFilesFetcher.fetch

    def counting(self, url, *args, **kwargs):
        fetched.append(url)
        return fetch(self, url, *args, **kwargs)

    monkeypatch.setattr(ProjectFilesFetcher, "fetch", counting)
    render = lambda: html_to_pdf(html, stylesheet_template="reports/progress_report_pdf.css")  # noqa: E731
    first, second = render(), render()
    assert len(pdf_images(first)) == len(pdf_images(second)) == 1
    assert [url.rsplit("/", 1)[-1] for url in fetched] == ["dot.png"]
    clock = iter([0.0, 0.0, IMAGE_CACHE_SECONDS + 1.0])
    monkeypatch.setattr(pdf.time, "monotonic", lambda: next(clock))
    pdf.image_cache_clear()
    cache = image_cache()
    assert image_cache() is cache  # the same worker, within the time
    assert image_cache() is not cache  # renewed after IMAGE_CACHE_SECONDS
