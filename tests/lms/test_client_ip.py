"""The client's address behind trusted proxies (lms.http.client_ip)."""

import pytest
from django.test import RequestFactory

from lms.http import UNKNOWN_ADDRESS, client_ip

PROXY = "10.0.0.2"  # the address nginx connects to gunicorn from


def request_with(remote_addr=PROXY, forwarded_for=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


def test_without_proxies_it_is_remote_addr_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_with("198.51.100.7", "203.0.113.5")) == "198.51.100.7"


def test_nginx_header_with_one_trusted_proxy_gives_the_address_nginx_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # nginx's $proxy_add_x_forwarded_for: what the client sent, then the address it came from
    assert client_ip(request_with(forwarded_for="client-value, 203.0.113.5")) == "203.0.113.5"
    assert client_ip(request_with(forwarded_for="203.0.113.5")) == "203.0.113.5"


def test_spoofed_entries_on_the_left_are_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for spoof in ("1.2.3.4", "1.2.3.4, 5.6.7.8", "8.8.8.8,9.9.9.9, 127.0.0.1"):
        assert client_ip(request_with(forwarded_for=f"{spoof}, 203.0.113.5")) == "203.0.113.5"


def test_two_trusted_proxies_take_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    forwarded = "1.2.3.4, 203.0.113.5, 10.0.0.1"  # spoof, client, load balancer
    assert client_ip(request_with(forwarded_for=forwarded)) == "203.0.113.5"


@pytest.mark.parametrize(
    "forwarded_for",
    [None, "", " ", "garbage", "not, an, address", ",,,", "203.0.113.5, ", "999.1.1.1", "\x00"],
)
def test_missing_or_malformed_header_falls_back_to_remote_addr(settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with(forwarded_for=forwarded_for)) == PROXY


def test_a_header_shorter_than_the_proxy_chain_falls_back_to_remote_addr(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_with(forwarded_for="203.0.113.5")) == PROXY


def test_ipv6_addresses_with_and_without_ports(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with(forwarded_for="x, 2001:DB8::1")) == "2001:db8::1"
    assert client_ip(request_with(forwarded_for="[2001:db8::1]:4711")) == "2001:db8::1"
    assert client_ip(request_with(forwarded_for="203.0.113.5:4711")) == "203.0.113.5"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_with("2001:db8::2")) == "2001:db8::2"


def test_no_address_at_all_is_the_shared_unknown_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_with("")) == UNKNOWN_ADDRESS
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with("", "garbage")) == UNKNOWN_ADDRESS


def test_rate_limits_and_future_login_throttling_use_it(settings):
    """django-ratelimit takes the dotted path; django-axes' AXES_CLIENT_IP_CALLABLE can too."""
    assert settings.RATELIMIT_IP_META_KEY == "lms.http.client_ip"
    assert settings.TRUSTED_PROXY_COUNT == 0
