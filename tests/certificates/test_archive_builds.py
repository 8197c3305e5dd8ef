"""A department's ZIP still being built is not built twice, and one person has at most
MAX_BUILDS_PER_USER ZIPs in progress."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from certificates import services, tasks
from certificates.models import CertificateArchive
from lms.errors import ApplicationError
from tests.factories import DepartmentFactory, LiaisonFactory

pytestmark = pytest.mark.django_db


def request_url(department):
    return reverse("certificates:archive_request", args=[department.code])


def test_twenty_identical_requests_build_once(
    oei_client, employee, django_capture_on_commit_callbacks
):
    department = employee.department
    with django_capture_on_commit_callbacks() as queued:
        responses = [oei_client.post(request_url(department)) for _ in range(20)]
    archive = CertificateArchive.objects.get()
    assert archive.state == CertificateArchive.State.PENDING
    assert len(queued) == 1  # one build task
    for response in responses:
        assert response.status_code == 302
        assert response["Location"] == reverse("certificates:archive", args=[archive.public_id])
    page = oei_client.get(responses[-1]["Location"]).content.decode()
    assert "already being built" in page


def test_a_liaison_and_oei_share_the_departments_zip_being_built(client, employee, oei):
    department = employee.department
    liaison = LiaisonFactory(department=department).user
    first, created = services.certificate_archive_request(department=department, user=liaison)
    again, created_again = services.certificate_archive_request(department=department, user=oei)
    assert (created, created_again) == (True, False) and again.pk == first.pk
    # the liaison of another department never reaches it, shared or not
    client.force_login(LiaisonFactory().user)
    assert client.get(reverse("certificates:archive", args=[first.public_id])).status_code == 404
    assert client.post(request_url(department)).status_code == 404
    assert CertificateArchive.objects.count() == 1


def test_different_requests_are_capped_per_person(oei_client, oei, settings):
    settings.MAX_BUILDS_PER_USER = 3
    departments = [DepartmentFactory() for _ in range(4)]
    for department in departments[:3]:
        assert oei_client.post(request_url(department)).status_code == 302
    assert CertificateArchive.objects.count() == 3

    response = oei_client.post(request_url(departments[3]))
    assert response.status_code == 429
    assert response["Retry-After"]
    assert "You already have 3 certificate archives being built" in response.content.decode()
    oei_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "es"
    spanish = oei_client.post(request_url(departments[3]))
    assert spanish.status_code == 429
    assert "Ya tiene 3 archivos de certificados en preparación" in spanish.content.decode()
    assert CertificateArchive.objects.count() == 3  # nothing created
    with pytest.raises(ApplicationError):
        services.certificate_archive_request(department=departments[3], user=oei)


def test_a_finished_build_allows_a_new_one(employee, oei, settings):
    settings.MAX_BUILDS_PER_USER = 1
    first, _ = services.certificate_archive_request(department=employee.department, user=oei)
    tasks.certificate_archive_build(first.pk)
    first.refresh_from_db()
    assert first.state == CertificateArchive.State.READY
    second, created = services.certificate_archive_request(department=employee.department, user=oei)
    assert created and second.pk != first.pk


def test_a_build_whose_task_died_blocks_nobody(employee, oei, settings):
    settings.BUILD_STALE_MINUTES = 60
    stuck, _ = services.certificate_archive_request(
        department=employee.department,
        user=oei,
        now=timezone.now() - timedelta(minutes=61),
    )
    fresh, created = services.certificate_archive_request(department=employee.department, user=oei)
    assert created and fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.state == CertificateArchive.State.FAILED


def test_the_database_keeps_one_building_zip_per_department(employee, oei):
    """The backstop for two requests at the same moment: a second building row is refused."""
    CertificateArchive.objects.create(
        department=employee.department, requested_by=oei, requested_at=timezone.now()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateArchive.objects.create(
            department=employee.department, requested_by=oei, requested_at=timezone.now()
        )
    CertificateArchive.objects.create(  # a finished one is no obstacle
        department=employee.department,
        requested_by=oei,
        requested_at=timezone.now(),
        state=CertificateArchive.State.READY,
    )
