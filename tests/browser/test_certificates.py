"""A demo employee downloads a certificate, its QR code verifies it, OEI revokes it (with a
new due date), and the employee sees on "My training" that it was revoked and why."""

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certificates import rendering
from certificates.models import Certificate
from lms.demo.people import DEMO_PASSWORD
from tests.browser.pages import (
    LoginScreen,
    MyCertificatesScreen,
    VerificationScreen,
)

pytestmark = pytest.mark.browser

HOLDER = "employee03"  # completed the commitments course in the demo history
OEI = "oei.admin"


def test_download_verify_by_qr_and_revoke(demo, page, axe):
    certificate = Certificate.objects.get(employee__user__username=HOLDER)

    LoginScreen(page).open().log_in(HOLDER, DEMO_PASSWORD)
    mine = MyCertificatesScreen(page).open_from_the_menu()
    expect(mine.heading()).to_have_text("My certificates")
    expect(page.get_by_role("cell", name=certificate.serial, exact=True)).to_be_visible()
    axe(page)

    pdf = pypdf.PdfReader(io.BytesIO(mine.download(certificate.serial)))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert certificate.employee_name in text and certificate.serial in text
    links = {a.get_object()["/A"]["/URI"] for a in pdf.pages[0]["/Annots"]}
    assert links == {certificate.verification_url}
    qr_link = links.pop()
    # The QR code printed is the one segno draws for that link.
    assert rendering.qr_svg(qr_link) in rendering.certificate_html(certificate=certificate)

    page.goto(urlsplit(qr_link).path)  # the live server stands in for the public address
    verification = VerificationScreen(page)
    expect(verification.heading()).to_have_text(f"Certificate {certificate.serial}")
    assert verification.status() == "This certificate is valid"
    expect(page.get_by_role("cell", name=certificate.employee_name)).to_be_visible()
    axe(page)

    page.goto("/")
    verification.log_out()
    LoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    # Carmen prefers Spanish; this test reads the English pages.
    mine = MyCertificatesScreen(page).choose_language("en")
    manage = mine.open_from_the_menu().manage()
    expect(manage.heading()).to_have_text("Manage certificates")
    axe(page)
    manage.search(certificate.serial).open(certificate.serial)
    expect(manage.heading()).to_have_text(f"Certificate {certificate.serial}")
    axe(page)
    default_due = (timezone.localdate() + timedelta(days=30)).isoformat()
    expect(page.get_by_label("New due date")).to_have_value(default_due)
    manage.revoke("Completed under another employee's account")
    expect(page.locator("#certificate-status")).to_contain_text("Revoked on")
    expect(page.get_by_text("Completed under another employee's account")).to_be_visible()
    axe(page)

    page.goto(urlsplit(qr_link).path)
    assert VerificationScreen(page).status().startswith("This certificate was revoked on")
    axe(page)
    assert Certificate.objects.get(pk=certificate.pk).revoked_by.username == OEI

    # The holder sees the revocation, its reason and the course to take again.
    page.goto("/")
    verification.log_out()
    LoginScreen(page).open().log_in(HOLDER, DEMO_PASSWORD)
    MyCertificatesScreen(page).choose_language("en")  # whatever the holder prefers
    page.goto("/learn/")
    expect(page.get_by_text("Certificate revoked", exact=True)).to_be_visible()
    expect(page.get_by_text("Completed under another employee's account")).to_be_visible()
    axe(page)
