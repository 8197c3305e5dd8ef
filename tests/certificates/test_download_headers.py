"""A certificate PDF download carries the site's security headers (lms.settings.base)."""

import pytest
from django.urls import reverse

from tests.lms.test_security_headers import assert_security_headers

pytestmark = pytest.mark.django_db


def test_a_certificate_download_has_the_security_headers(employee_client, certificate):
    response = employee_client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_security_headers(response)
