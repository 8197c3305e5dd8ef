"""The PDF: its text, its QR code, its tags, and the URL fetcher that reaches nothing outside
(the fetcher itself: tests/organisation/test_pdf.py)."""

import io
import re

import pypdf
import pytest
import segno
from django.conf import settings
from django.core.files.storage import default_storage
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from certificates import rendering, tasks
from certificates.models import Certificate, CertificateSettings
from lms.models import OrganisationSettings
from lms.organisation import pdf
from lms.storage import private_storage
from tests import pdf_probes
from tests.pdf_probes import PROBES, pdf_attachments, pdf_images, probe

pytestmark = pytest.mark.django_db

# Fixtures: a web server on 127.0.0.1 that counts requests, and a PNG outside the project.
web_server = pdf_probes.web_server
outside_png = pdf_probes.outside_png


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
    css = pdf.stylesheet(rendering.STYLESHEET)
    assert css is pdf.stylesheet(rendering.STYLESHEET)  # parsed once, shared by every render


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


#: Over the fetcher's limit on a ``data:`` URL.
OVERSIZED_DATA_URL = "data:text/plain," + "a" * (pdf.MAX_DATA_URL_BYTES + 1)


@pytest.mark.parametrize("name", list(PROBES))
def test_the_certificate_fetches_nothing_outside_the_projects_files(
    certificate,
    settings,
    web_server,
    outside_png,
    name,
):
    settings.WAGTAILADMIN_BASE_URL = web_server.origin
    tag = probe(name, origin=web_server.origin, png_path=outside_png, data_url=OVERSIZED_DATA_URL)
    html = rendering.certificate_html(certificate=certificate).replace(
        '<p class="verify">', f'{tag}<p class="verify">'
    )
    assert tag in html
    document = rendering.pdf_from_html(html)
    assert web_server.paths == []
    # Only the certificate's own images (the placeholder seal): the probe added none.
    own = rendering.pdf_from_html(rendering.certificate_html(certificate=certificate))
    assert len(pdf_images(document)) == len(pdf_images(own)) == 1
    assert list(pdf_attachments(document)) == []


def test_the_certificate_prints_its_logo_from_the_public_media(certificate):
    """The logo, a Wagtail rendition under /media/images/, comes through the fetcher."""
    signing = CertificateSettings.load()
    signing.logo = Image.objects.create(title="Seal", file=get_test_image_file())
    signing.save()
    html = rendering.certificate_html(certificate=certificate)
    assert f'src="{pdf.BASE_URL}media/images/' in html
    # The logo beside the placeholder seal.
    assert len(pdf_images(rendering.certificate_pdf(certificate=certificate))) == 2


def test_the_certificate_says_it_is_sample_content_only_while_demo_content_is_loaded(
    settings, certificate
):
    notice = "Sample content: not the City's official training."
    assert notice not in rendering.certificate_html(certificate=certificate)

    settings.LMS_SAMPLE_CONTENT_NOTICE = True

    assert notice in rendering.certificate_html(certificate=certificate)
    reader = pdf_of(certificate)
    assert len(reader.pages) == 1  # the notice fits on the certificate's one page
    assert "Sample content" in " ".join(reader.pages[0].extract_text().split())


def test_without_a_logo_of_its_own_the_certificate_prints_the_citys(certificate):
    """OEI sets the city's logo once (organisation settings): certificates carry it, unless the
    certificate settings name another."""

    def printed(image) -> bool:
        rendition = image.get_rendition("max-400x160" + rendering.CERTIFICATE_IMAGE)
        return f'class="logo" src="{pdf.BASE_URL}media/{rendition.file.name}"' in html

    html = rendering.certificate_html(certificate=certificate)
    assert 'class="logo"' not in html
    city = OrganisationSettings.load()
    city.logo = Image.objects.create(title="City logo", file=get_test_image_file())
    city.save()
    html = rendering.certificate_html(certificate=certificate)
    assert printed(city.logo)
    assert len(pdf_images(rendering.certificate_pdf(certificate=certificate))) == 2

    signing = CertificateSettings.load()
    signing.logo = Image.objects.create(title="Certificate logo", file=get_test_image_file())
    signing.save()
    html = rendering.certificate_html(certificate=certificate)
    assert printed(signing.logo) and not printed(city.logo)
