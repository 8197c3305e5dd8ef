"""The certificate's look (issue 20): the seal, the signatory's name and title once, and a
layout that fills the page (its text and QR code: test_pdf.py)."""

import io

import pypdf
import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from weasyprint import HTML

from certificates import rendering
from certificates.models import CertificateSettings
from lms.models import OrganisationSettings
from lms.organisation import pdf
from tests.pdf_probes import pdf_images

pytestmark = pytest.mark.django_db

MM = 96 / 25.4  # CSS pixels in a millimetre


def pdf_text(certificate) -> str:
    reader = pypdf.PdfReader(io.BytesIO(rendering.certificate_pdf(certificate=certificate)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_office_and_the_signatory_are_printed_once(certificate):
    """It printed "Office of Equity and Inclusion" three times: the name, the title, the issuer."""
    text = pdf_text(certificate)
    assert text.count("Office of Equity and Inclusion") == 1
    assert "Director, Office of Equity and Inclusion" in " ".join(text.split())


def test_a_named_signatory_is_printed_once_with_the_title(certificate):
    signing = CertificateSettings.load()
    signing.signatory_name = "Jordan Example"
    signing.signatory_title = "Director, Office of Equity and Inclusion"
    signing.save()
    text = " ".join(pdf_text(certificate).split())
    assert text.count("Jordan Example") == 1
    assert text.count("Office of Equity and Inclusion") == 1


def test_another_office_than_the_title_is_named_as_the_issuer(certificate):
    signing = CertificateSettings.load()
    signing.signatory_title = "City Clerk"
    signing.save()
    text = " ".join(pdf_text(certificate).split())
    assert "City Clerk" in text
    assert f"Issued by {certificate.issuing_office}" in text


def test_without_a_signature_there_is_no_empty_signature_line(certificate):
    html = rendering.certificate_html(certificate=certificate)
    assert 'class="signatory signed"' not in html
    assert "signatory-name" not in html  # no name set: the title only


def test_the_placeholder_seal_is_printed_until_oei_sets_the_citys(certificate):
    html = rendering.certificate_html(certificate=certificate)
    assert f'src="{pdf.BASE_URL}static/{rendering.PLACEHOLDER_SEAL}"' in html
    assert 'alt="Placeholder seal"' in html
    # The project's placeholder, rasterised once (static/img/seal-placeholder.png).
    assert len(pdf_images(rendering.certificate_pdf(certificate=certificate))) == 1

    organisation = OrganisationSettings.load()
    organisation.seal = Image.objects.create(title="Seal", file=get_test_image_file())
    organisation.save()
    html = rendering.certificate_html(certificate=certificate)
    assert rendering.PLACEHOLDER_SEAL not in html
    assert 'alt="City of Albuquerque seal"' in html
    assert len(pdf_images(rendering.certificate_pdf(certificate=certificate))) == 1


def _bottom_of_content(certificate) -> tuple[float, float, int]:
    html = rendering.certificate_html(certificate=certificate)
    document = HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.project_files_fetcher())
    rendered = document.render(
        stylesheets=[pdf.stylesheet(rendering.STYLESHEET)], font_config=pdf.font_configuration()
    )
    page_box = rendered.pages[0]._page_box
    bottom = max(
        box.position_y + box.margin_height()
        for box in page_box.descendants()
        if hasattr(box, "margin_height") and box.element_tag in ("p", "h1")
    )
    content_bottom = page_box.content_box_y() + page_box.height
    return bottom, content_bottom, len(rendered.pages)


@pytest.mark.parametrize("with_logo", [False, True])
def test_the_layout_fills_the_page(certificate, with_logo):
    """The footer (signatory, QR code) sits at the foot of the frame, on one page."""
    if with_logo:
        signing = CertificateSettings.load()
        signing.logo = Image.objects.create(title="Logo", file=get_test_image_file())
        signing.save()
    bottom, content_bottom, pages = _bottom_of_content(certificate)
    assert pages == 1
    assert content_bottom - bottom < 12 * MM
