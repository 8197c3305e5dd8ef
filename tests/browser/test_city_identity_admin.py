"""OEI sets the city's identity in the admin (issue 20): uploads a logo and a seal through the
form's image choosers, chooses the colour and the signatory; the public pages then carry them
and a certificate issued afterwards prints the signatory once. A file that is not an image and
a colour that is not one are refused with a message, and nothing is saved."""

import io

import pypdf
import pytest
from PIL import Image as PillowImage
from playwright.sync_api import expect
from wagtail.images.models import Image

from certificates import rendering
from certificates.models import Certificate, CertificateSettings
from lms.demo.people import DEMO_PASSWORD
from lms.models import OrganisationSettings
from tests.browser.pages import (
    AdminLoginScreen,
    CertificateSettingsForm,
    IdentitySettingsForm,
    ManageCertificatesScreen,
    MyCertificatesScreen,
)

pytestmark = pytest.mark.browser

OEI = "oei.admin"
HOLDER = "employee03"  # completed the commitments course in the demo history
SIGNATORY = "Ana María Chávez"
TITLE = "Director, Office of Equity and Inclusion"


def png(path, colour):
    PillowImage.new("RGB", (240, 80), colour).save(path, format="PNG")
    return path


def test_oei_sets_the_city_identity_and_the_signatory(page, demo, tmp_path, axe):
    images = Image.objects.count()
    AdminLoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    form = IdentitySettingsForm(page).open()
    expect(form.heading()).to_contain_text("Organisation settings")
    axe(page)

    # a file that is not an image, named as one: refused in the dialog, no image kept
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("This is a letter, not a picture.", encoding="utf-8")
    modal = form.choose_image("logo").upload("City logo", not_an_image)
    expect(modal.error()).to_contain_text("image")
    assert Image.objects.count() == images
    # (axe is not run on the dialog: it is Wagtail's own markup, which axe finds unnamed and
    # with an unlabelled tag field; the form is checked with axe before and after it)
    modal.close()

    # the real logo and seal
    form.choose_image("logo").upload("City logo", png(tmp_path / "city-logo.png", "#1a4480"))
    expect(form.chosen_title("logo")).to_have_text("City logo")
    form.choose_image("seal").upload("City seal", png(tmp_path / "city-seal.png", "#005ea2"))
    expect(form.chosen_title("seal")).to_have_text("City seal")

    # a colour that is not one, then one white text cannot be read on: nothing saved
    for wrong, message in [
        ("blue", "Enter a colour as # and six hexadecimal digits"),
        ("#ffff00", "it needs at least 4.5:1"),
    ]:
        form.set_colour(wrong).save()
        expect(form.refused_message()).to_be_visible()
        expect(form.error("primary_colour")).to_contain_text(message)
        saved = OrganisationSettings.load()
        assert (saved.primary_colour, saved.logo_id, saved.seal_id) == ("", None, None)
    axe(page)  # the form with its error

    # the form kept the images chosen: a correct colour saves everything
    expect(form.chosen_title("logo")).to_have_text("City logo")
    form.set_colour("#1a4480").save()
    expect(form.saved_message()).to_be_visible()
    saved = OrganisationSettings.load()
    assert saved.primary_colour == "#1a4480"
    assert (saved.logo.title, saved.seal.title) == ("City logo", "City seal")

    signing = CertificateSettingsForm(page).open()
    axe(page)
    signing.set_signatory(SIGNATORY, TITLE).save()
    expect(signing.saved_message()).to_be_visible()
    assert CertificateSettings.load().signatory_name == SIGNATORY

    # the public pages: the logo in the header, the colour on the band
    page.goto("/")
    logo = page.locator("img.lms-brand__logo")
    expect(logo).to_be_attached()
    # a rendition (under images/, the media that is published), not the original upload
    rendition = saved.logo.get_rendition("height-112")
    assert logo.get_attribute("src") == rendition.url
    assert rendition.url.startswith("/media/images/")
    assert rendition.file.storage.exists(rendition.file.name)
    primary = page.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--lms-primary').trim()"
    )
    assert primary == "#1a4480"
    axe(page)

    # a certificate issued now (OEI re-issues one) is signed by her, once, with the city's seal
    certificate = Certificate.objects.filter(employee__user__username=HOLDER).first()
    MyCertificatesScreen(page).choose_language("en")  # Carmen prefers Spanish
    page.goto(f"/certificates/manage/{certificate.pk}/")
    ManageCertificatesScreen(page).reissue("The city's new identity")
    expect(page.locator("#certificate-status")).to_be_visible()
    issued = Certificate.objects.get(reissue_of=certificate)
    html = rendering.certificate_html(certificate=issued)
    seal = saved.seal.get_rendition("max-300x300" + rendering.CERTIFICATE_IMAGE)
    assert seal.file.name in html
    text = " ".join(
        pypdf.PdfReader(io.BytesIO(rendering.certificate_pdf(certificate=issued)))
        .pages[0]
        .extract_text()
        .split()
    )
    assert text.count(SIGNATORY) == 1, text
    assert text.count(TITLE) == 1, text
