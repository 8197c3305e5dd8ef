"""A department's current certificates as one ZIP, built by a task that reports progress."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateArchive
from certificates.services import certificate_revoke
from tests.factories import EmployeeFactory, LiaisonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(employee):
    return employee.department


@pytest.fixture
def liaison_client(client, department):
    client.force_login(LiaisonFactory(department=department).user)
    return client


def test_a_liaison_downloads_their_departments_current_certificates(
    liaison_client, department, issue, employee, oei, django_capture_on_commit_callbacks
):
    current = issue(employee)
    colleague = issue(EmployeeFactory(department=department))
    revoked = issue(EmployeeFactory(department=department))
    certificate_revoke(certificate=revoked, user=oei, reason="Error")
    expired = issue(
        EmployeeFactory(department=department), expires_at=timezone.now() - timedelta(days=1)
    )
    elsewhere = issue(EmployeeFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = liaison_client.post(
            reverse("certificates:archive_request", args=[department.code])
        )

    archive = CertificateArchive.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:archive", args=[archive.public_id])
    assert (archive.state, archive.done, archive.total) == ("ready", 2, 2)
    page = liaison_client.get(response["Location"]).content.decode()
    assert 'role="status"' in page and "2 of 2 certificates added." in page
    progress = liaison_client.get(
        reverse("certificates:archive_progress", args=[archive.public_id])
    )
    assert progress.json()["ready"] is True and progress.json()["percent"] == 100

    download = liaison_client.get(
        reverse("certificates:archive_download", args=[archive.public_id])
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as zipped:
        names = zipped.namelist()
        assert all(zipped.read(name).startswith(b"%PDF-") for name in names)
    serials = sorted(name.split(" ")[0] for name in names)
    assert serials == sorted([current.serial, colleague.serial])
    for left_out in (revoked, expired, elsewhere):
        assert left_out.serial not in serials


def test_a_liaison_of_another_department_gets_a_404(client, department, issue, employee):
    issue(employee)
    client.force_login(LiaisonFactory().user)  # liaison of a different department
    response = client.post(reverse("certificates:archive_request", args=[department.code]))
    assert response.status_code == 404
    assert not CertificateArchive.objects.exists()


def test_nobody_else_sees_anothers_archive(client, department, oei):
    archive = CertificateArchive.objects.create(
        department=department, requested_by=oei, requested_at=timezone.now()
    )
    client.force_login(LiaisonFactory().user)
    for name in ("archive", "archive_progress", "archive_download"):
        assert (
            client.get(reverse(f"certificates:{name}", args=[archive.public_id])).status_code == 404
        )


def test_employees_cannot_ask_for_a_zip(employee_client, department):
    response = employee_client.post(reverse("certificates:archive_request", args=[department.code]))
    assert response.status_code == 404


def test_oei_asks_for_any_department_from_its_dashboard(
    oei_client, department, issue, employee, django_capture_on_commit_callbacks
):
    issue(employee)
    dashboard = oei_client.get(reverse("compliance:department", args=[department.code]))
    assert reverse("certificates:archive_request", args=[department.code]) in (
        dashboard.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        oei_client.post(reverse("certificates:archive_request", args=[department.code]))
    assert CertificateArchive.objects.get().state == "ready"


def test_an_archive_not_built_yet_is_not_downloadable(liaison_client, department):
    response = liaison_client.post(reverse("certificates:archive_request", args=[department.code]))
    archive = CertificateArchive.objects.get()
    page = liaison_client.get(response["Location"]).content.decode()
    assert "Waiting to start" in page
    assert (
        liaison_client.get(
            reverse("certificates:archive_download", args=[archive.public_id])
        ).status_code
        == 404
    )
