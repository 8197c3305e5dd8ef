"""The PDF: its text, its QR code, its tags, and a URL fetcher that reaches nothing outside."""

import io
import re

import pypdf
import pytest
import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from certificates import rendering, tasks
from certificates.models import Certificate
from certificates.rendering import FetchRefused, ProjectFilesFetcher
from lms.storage import private_storage

pytestmark = pytest.mark.django_db


def pdf_of(certificate) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(rendering.certificate_pdf(certificate=certificate)))


def test_the_pdf_holds_the_name_course_and_serial(certificate):
    reader = pdf_of(certificate)
    text = " ".join(reader.pages[0].extract_text().split())
    assert len(reader.pages) == 1
    assert certificate.employee_name in text
    assert certificate.course_title in text
    assert certificate.serial in text


def test_the_pdf_is_tagged_with_a_title_and_a_language(certificate, employee):
    reader = pdf_of(certificate)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 - a pypdf BooleanObject
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == employee.preferred_language
    assert certificate.serial in reader.metadata.title
    assert certificate.course_title in reader.metadata.title


def test_the_qr_code_encodes_the_verification_url(certificate):
    url = certificate.verification_url
    assert url == f"{settings.WAGTAILADMIN_BASE_URL}/certificates/verify/{certificate.code}/"
    html = rendering.certificate_html(certificate=certificate)
    printed = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    # The same URL drawn by segno gives the very same symbol; another URL does not.
    assert printed == rendering.qr_svg(url)
    assert printed != rendering.qr_svg(url.replace(certificate.code, "x" * 32))
    assert segno.make(url, error="m").matrix  # a valid QR symbol exists for it
    # and the PDF links to the page, for readers that click rather than scan
    links = {
        annotation.get_object()["/A"]["/URI"]
        for annotation in pdf_of(certificate).pages[0]["/Annots"]
    }
    assert links == {url}


def test_the_template_has_its_own_small_stylesheet(certificate):
    html = rendering.certificate_html(certificate=certificate)
    assert "uswds" not in html and "lms.css" not in html
    css = rendering._renderer()[1]
    assert css  # parsed once, shared by every render in the worker


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://example.com/logo.png",
        f"{rendering.BASE_URL}etc/passwd",
        f"{rendering.BASE_URL}static/../../etc/passwd",
        f"{rendering.BASE_URL}static/no-such-file.png",
    ],
)
def test_the_fetcher_refuses_everything_outside_the_projects_files(url):
    with pytest.raises((FetchRefused, ValueError)):
        ProjectFilesFetcher().fetch(url)


def test_the_fetcher_serves_static_media_and_data_urls():
    fetcher = ProjectFilesFetcher()
    css = fetcher.fetch(f"{rendering.BASE_URL}static/css/lms.css")
    assert css.content_type == "text/css" and b".lms-main" in css.read()
    name = default_storage.save("logos/seal.png", ContentFile(b"\x89PNG fake"))
    media = fetcher.fetch(f"{rendering.BASE_URL}media/{name}")
    assert media.read() == b"\x89PNG fake"
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_the_render_task_caches_the_pdf_under_a_random_path(certificate):
    name = tasks.certificate_render(certificate.pk)
    assert re.fullmatch(r"certificates/pdf/[A-Za-z0-9_-]{24}\.pdf", name)
    assert certificate.serial not in name and certificate.code not in name
    # kept in the private storage, never under the public media folder
    assert private_storage().open(name).read().startswith(b"%PDF-")
    assert not default_storage.exists(name)
    # a second run renders nothing new
    assert tasks.certificate_render(certificate.pk) == name
    assert Certificate.objects.get(pk=certificate.pk).pdf.name == name


def test_the_pdf_is_rendered_after_the_completion_commits(
    course, employee, django_capture_on_commit_callbacks
):
    from courses import services as course_services

    with django_capture_on_commit_callbacks(execute=True):
        for lesson in course.lessons():
            course_services.lesson_complete(employee=employee, lesson=lesson)
    certificate = Certificate.objects.get(employee=employee)
    assert certificate.pdf.name
    assert private_storage().exists(certificate.pdf.name)
    assert not default_storage.exists(certificate.pdf.name)
