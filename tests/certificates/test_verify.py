"""Public verification: status, name, course, edition and dates, and nothing else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.services import certificate_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def verify(client, code):
    return client.get(reverse("certificates:verify", kwargs={"code": code}))


def test_a_valid_certificate_shows_its_facts_and_no_other_personal_data(client, certificate):
    employee = certificate.employee
    employee.user.email = "maria.chavez@cabq.example"
    employee.user.save()

    response = verify(client, certificate.code)

    assert response.status_code == 200
    page = response.content.decode()
    assert "This certificate is valid" in page
    for shown in (certificate.employee_name, certificate.course_title, certificate.serial):
        assert shown in page
    for hidden in (
        employee.employee_number,
        employee.user.email,
        employee.user.username,
        employee.department.name,
        employee.job_title,
    ):
        assert hidden not in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_revoked_certificate_says_so(client, certificate, oei):
    certificate_revoke(certificate=certificate, user=oei, reason="Issued in error")
    page = verify(client, certificate.code).content.decode()
    assert "This certificate was revoked on" in page
    assert "This certificate is valid" not in page
    assert "Issued in error" not in page  # the reason is OEI's, not the public's


def test_an_expired_certificate_says_when(client, issue):
    expired = issue(expires_at=timezone.now() - timedelta(days=3))
    page = verify(client, expired.code).content.decode()
    assert "This certificate expired on" in page
    assert "This certificate is valid" not in page


@pytest.mark.parametrize(
    "code",
    ["A" * 32, "short", "x" * 33, "not a code at all", "%3Cscript%3E" * 3],
)
def test_unknown_and_malformed_codes_are_a_404_in_the_sites_look(client, certificate, code):
    response = client.get(f"/certificates/verify/{code}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="usa-header' in response.content.decode()


def test_the_form_sends_a_typed_or_pasted_code_to_its_page(client, certificate):
    url = reverse("certificates:verify_form")
    assert client.get(url).status_code == 200
    response = client.get(url, {"code": f"  {certificate.code} "})
    assert response.status_code == 302
    assert response["Location"] == certificate.verification_path
    pasted = client.get(url, {"code": certificate.verification_url})
    assert pasted["Location"] == certificate.verification_path


def test_the_form_explains_a_malformed_code(client):
    response = client.get(reverse("certificates:verify_form"), {"code": "ABQ-2026-000001"})
    assert response.status_code == 400
    assert "This is not a verification code" in response.content.decode()


def test_verification_is_rate_limited_per_client(client, certificate, settings):
    settings.CERTIFICATE_VERIFY_RATE = "3/m"
    statuses = [verify(client, certificate.code).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = verify(client, certificate.code)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert 'class="usa-header' in response.content.decode()
    # another client is not held back
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert verify(other, certificate.code).status_code == 200


def test_signed_in_or_not_the_page_is_the_same(client, certificate):
    client.force_login(UserFactory())
    assert verify(client, certificate.code).status_code == 200
