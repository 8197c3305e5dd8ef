"""My certificates, downloads, and OEI's revocation and re-issue."""

import re

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from certificates.models import Certificate

pytestmark = pytest.mark.django_db


def test_an_employee_lists_and_downloads_their_own(employee_client, certificate):
    page = employee_client.get(reverse("certificates:mine")).content.decode()
    assert certificate.serial in page
    download_url = reverse("certificates:download", args=[certificate.pk])
    assert download_url in page

    response = employee_client.get(download_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"certificate-{certificate.serial}.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # rendered on demand, then cached
    assert Certificate.objects.get(pk=certificate.pk).pdf.name


def test_another_employee_cannot_download_it(client, certificate, other_employee):
    client.force_login(other_employee.user)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 404
    assert certificate.serial not in client.get(reverse("certificates:mine")).content.decode()


def test_visitors_are_sent_to_log_in(client, certificate):
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_links_to_my_certificates(employee_client):
    page = employee_client.get(reverse("courses:my_training")).content.decode()
    assert reverse("certificates:mine") in page


def test_employees_cannot_manage_certificates(employee_client, certificate):
    assert employee_client.get(reverse("certificates:manage")).status_code == 403
    response = employee_client.post(
        reverse("certificates:revoke", args=[certificate.pk]), {"revoke-reason": "No"}
    )
    assert response.status_code == 403
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None


def test_oei_revokes_with_a_reason_kept_with_who_and_when(oei_client, oei, certificate):
    url = reverse("certificates:revoke", args=[certificate.pk])

    refused = oei_client.post(url, {"revoke-reason": "   "})
    assert refused.status_code == 400
    assert Certificate.objects.get(pk=certificate.pk).revoked_at is None

    response = oei_client.post(url, {"revoke-reason": "Completed by someone else"})

    assert response.status_code == 302
    revoked = Certificate.objects.get(pk=certificate.pk)
    assert revoked.revoked_by == oei
    assert revoked.revocation_reason == "Completed by someone else"
    assert revoked.revoked_at is not None
    entry = ModelLogEntry.objects.get(action="lms.certificate.revoke")
    assert (entry.user_id, entry.object_id) == (oei.pk, str(certificate.pk))
    again = oei_client.post(url, {"revoke-reason": "Twice"})
    assert again.status_code == 409
    assert Certificate.objects.get(pk=certificate.pk).revocation_reason == (
        "Completed by someone else"
    )
    # the revoked certificate is no longer downloadable by its holder
    employee_client = oei_client.__class__()
    employee_client.force_login(certificate.employee.user)
    assert (
        employee_client.get(reverse("certificates:download", args=[certificate.pk])).status_code
        == 404
    )


def test_oei_reissues_a_certificate(oei_client, oei, certificate):
    employee = certificate.employee
    employee.user.last_name = "Married-Name"
    employee.user.save()

    response = oei_client.post(
        reverse("certificates:reissue", args=[certificate.pk]), {"reissue-reason": "New name"}
    )

    new = Certificate.objects.get(reissue_of=certificate)
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:manage_detail", args=[new.pk])
    assert new.serial != certificate.serial and new.code != certificate.code
    assert "Married-Name" in new.employee_name
    assert new.completion_id == certificate.completion_id
    assert certificate.verification_status().code == "replaced"
    assert new.verification_status().code == "valid"
    assert ModelLogEntry.objects.filter(action="lms.certificate.reissue").count() == 1
    twice = oei_client.post(reverse("certificates:reissue", args=[certificate.pk]), {})
    assert twice.status_code == 409


def test_oei_finds_certificates_by_serial_or_name(oei_client, certificate, issue):
    issue()
    page = oei_client.get(reverse("certificates:manage"), {"q": certificate.serial})
    assert page.status_code == 200
    assert re.findall(r"/certificates/manage/(\d+)/", page.content.decode()) == [
        str(certificate.pk)
    ]
    detail = oei_client.get(reverse("certificates:manage_detail", args=[certificate.pk]))
    assert "Revoke this certificate" in detail.content.decode()
