"""The verification page's rate limit behind nginx (docs/operations.md): per client, never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


def verify_form(forwarded_for=None):
    """A request to /certificates/verify/ as nginx passes it on, from a fresh client."""
    headers = {} if forwarded_for is None else {"x-forwarded-for": forwarded_for}
    client = Client(REMOTE_ADDR=PROXY, headers=headers)
    return client.get(reverse("certificates:verify_form")).status_code


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.CERTIFICATE_VERIFY_RATE = "2/m"


def test_nginx_style_header_never_500(behind_nginx, home_page):
    assert verify_form("client-value, 203.0.113.5") == 200
    assert verify_form("garbage") == 200
    assert verify_form(None) == 200


def test_each_client_behind_the_proxy_has_its_own_limit(behind_nginx, home_page):
    assert [verify_form("203.0.113.5") for _ in range(3)] == [200, 200, 429]
    # another client, through the same proxy, is not held back
    assert verify_form("203.0.113.6") == 200


def test_a_client_cannot_escape_its_limit_by_forging_the_header(behind_nginx, home_page):
    statuses = [verify_form(f"192.0.2.{n}, 203.0.113.5") for n in range(3)]
    assert statuses == [200, 200, 429]
