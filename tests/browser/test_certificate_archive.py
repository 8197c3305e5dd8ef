"""The rest of the certificate journeys in the browser: a liaison downloads their department's
certificates as a ZIP, anyone verifies a certificate by typing its code, and OEI re-issues one."""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from certificates.models import Certificate, CertificateArchive
from lms.demo.people import DEMO_PASSWORD
from tests.browser.pages import (
    DashboardScreen,
    LoginScreen,
    MyCertificatesScreen,
    VerificationScreen,
)

pytestmark = pytest.mark.browser

LIAISON = "liaison.parks"
OEI = "oei.admin"
HOLDER = "employee03"  # completed the commitments course in the demo history


def test_a_liaison_downloads_the_departments_certificates_as_a_zip(demo, page, axe):
    LoginScreen(page).open().log_in(LIAISON, DEMO_PASSWORD)
    archive_screen = DashboardScreen(page).open_from_the_menu().download_certificates()

    expect(archive_screen.heading()).to_have_text("Certificates of Parks and Recreation")
    # built in the background, progress shown meanwhile
    expect(archive_screen.download_link()).to_be_visible()
    expect(archive_screen.progress()).to_have_attribute("value", "100")
    axe(page)

    archive = zipfile.ZipFile(io.BytesIO(archive_screen.download()))
    built = CertificateArchive.objects.get(department__code="PARKS")
    names = archive.namelist()
    assert built.done == built.total == len(names) > 0
    parks = Certificate.objects.filter(employee__department__code="PARKS")
    serials = {name.split(" ", 1)[0] for name in names}
    assert serials <= set(parks.values_list("serial", flat=True))
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    # Nobody from another department is in it.
    assert not serials & set(
        Certificate.objects.exclude(employee__department__code="PARKS").values_list(
            "serial", flat=True
        )
    )


def test_anyone_verifies_a_certificate_by_typing_its_code(demo, page, axe):
    certificate = Certificate.objects.get(employee__user__username=HOLDER)
    page.goto("/certificates/verify/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify a certificate")
    axe(page)

    page.get_by_label("Verification code").fill("not a code")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("This is not a verification code.").first).to_be_visible()
    expect(page.get_by_label("Verification code")).to_have_value("not a code")
    axe(page)

    # A well-formed code that no certificate has: "not found", in the site's look.
    page.get_by_label("Verification code").fill("A" * 32)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe(page)

    page.goto("/certificates/verify/")
    page.get_by_label("Verification code").fill(f"  {certificate.code} ")
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificate {certificate.serial}")
    assert VerificationScreen(page).status() == "This certificate is valid"
    axe(page)


def test_oei_reissues_a_certificate_and_the_old_one_verifies_as_replaced(demo, page, axe):
    certificate = Certificate.objects.get(employee__user__username=HOLDER)
    LoginScreen(page).open().log_in(OEI, DEMO_PASSWORD)
    mine = MyCertificatesScreen(page).choose_language("en")  # Carmen prefers Spanish
    manage = mine.open_from_the_menu().manage()
    manage.search(certificate.serial).open(certificate.serial)
    manage.reissue("The employee's name changed.")

    new = Certificate.objects.get(reissue_of=certificate)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Certificate {new.serial}")
    expect(page.get_by_role("link", name=certificate.serial)).to_be_visible()  # "Re-issue of"
    axe(page)

    page.goto(f"/certificates/verify/{certificate.code}/")
    assert VerificationScreen(page).status() == (
        "This certificate was replaced by a re-issued certificate"
    )
    axe(page)
    page.goto(f"/certificates/verify/{new.code}/")
    assert VerificationScreen(page).status() == "This certificate is valid"
