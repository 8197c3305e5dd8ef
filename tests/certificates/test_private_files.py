"""Certificate PDFs and department ZIPs live in the private storage under random names and are
reached only through the views that check access."""

import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from certificates import services, tasks
from certificates.models import Certificate, CertificateArchive
from lms.storage import private_storage
from tests.factories import EmployeeFactory, LiaisonFactory
from tests.media import dev_media  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

TOKEN = r"[A-Za-z0-9_-]{24}"


@pytest.fixture
def archive(certificate, oei):
    archive, _created = services.certificate_archive_request(
        department=certificate.employee.department, user=oei
    )
    tasks.certificate_archive_build(archive.pk)
    archive.refresh_from_db()
    return archive


def test_pdfs_and_zips_are_private_under_random_names(certificate, archive):
    certificate = services.certificate_pdf_ensure(certificate=certificate)
    assert re.fullmatch(rf"certificates/pdf/{TOKEN}\.pdf", certificate.pdf.name)
    assert re.fullmatch(rf"certificates/archives/{TOKEN}\.zip", archive.file.name)
    for name in (certificate.pdf.name, archive.file.name):
        assert private_storage().exists(name)
        assert not default_storage.exists(name)


def test_dev_media_does_not_serve_them(certificate, archive, dev_media, employee, oei):  # noqa: F811
    certificate = services.certificate_pdf_ensure(certificate=certificate)
    for user in (None, employee.user, oei):
        client = Client()
        if user is not None:
            client.force_login(user)
        for name in (certificate.pdf.name, archive.file.name):
            assert client.get(f"/media/{name}").status_code == 404, (user, name)


def test_the_views_serve_the_right_people_and_refuse_the_others(
    certificate, archive, employee, oei
):
    owner, oei_browser = Client(), Client()
    owner.force_login(employee.user)
    oei_browser.force_login(oei)
    liaison = Client()
    liaison.force_login(LiaisonFactory(department=employee.department).user)
    pdf_url = reverse("certificates:download", args=[certificate.pk])
    zip_url = reverse("certificates:archive_download", args=[archive.public_id])

    for client in (owner, oei_browser):
        response = client.get(pdf_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for client in (liaison, oei_browser):
        response = client.get(zip_url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"PK")

    before = (list(Certificate.objects.values()), list(CertificateArchive.objects.values()))
    stranger = Client()
    stranger.force_login(EmployeeFactory().user)
    other_liaison = Client()
    other_liaison.force_login(LiaisonFactory().user)
    assert stranger.get(pdf_url).status_code == 404
    assert other_liaison.get(pdf_url).status_code == 404
    assert owner.get(zip_url).status_code == 404
    assert stranger.get(zip_url).status_code == 404
    assert other_liaison.get(zip_url).status_code == 404
    for url in (pdf_url, zip_url):
        assert Client().get(url).status_code == 302  # to the login page
    assert (list(Certificate.objects.values()), list(CertificateArchive.objects.values())) == before
