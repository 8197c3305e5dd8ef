"""HTTP helpers every app may use: the client's address behind proxies, and the ``id`` URL converter.

This module imports nothing from the LMS apps, so any of them (and settings, by dotted path) can
use it.

**The client's address.** Behind ``settings.TRUSTED_PROXY_COUNT`` reverse proxies (nginx, a load
balancer; 0 when gunicorn faces the clients), each proxy appends the address it received the
request from to ``X-Forwarded-For``. The right-most entries were written by our own proxies; what
is further left came from the client and can be anything. So the client is the Nth entry from the
right when N proxies are trusted, and ``REMOTE_ADDR`` when none is. A header that is missing,
shorter than N entries or not an address is never trusted: the answer falls back to
``REMOTE_ADDR``, and never raises.

:func:`client_ip` is the one function for it: django-ratelimit uses it
(``RATELIMIT_IP_META_KEY = "lms.http.client_ip"``), and so can anything else that counts or
records clients, e.g. django-axes with ``AXES_CLIENT_IP_CALLABLE = "lms.http.client_ip"``.

**Ids in URLs.** Django's ``<int:...>`` accepts any number of digits, and a number of 2^63 or
more overflows the database's 64-bit integer (a 500). The ``<id:...>`` converter matches only
1 to 2^63-1; anything else is no match, so a 404.
"""

import ipaddress

from django.conf import settings

#: What :func:`client_ip` answers when neither the header nor ``REMOTE_ADDR`` holds an address
#: (e.g. gunicorn on a Unix socket with ``TRUSTED_PROXY_COUNT=0``): all such clients share it.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 (a value, not a socket bound to every interface)

#: The largest id a 64-bit signed integer column holds.
MAX_ID = 2**63 - 1


def _address(value: str) -> str | None:
    """``value`` as a normalised IP address, or None when it is not one.

    Accepts what proxies write: ``192.0.2.1``, ``2001:db8::1``, and with a port
    ``192.0.2.1:1234`` or ``[2001:db8::1]:1234``."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The address of the client that sent ``request``, as far as our own proxies tell.

    With ``TRUSTED_PROXY_COUNT`` = N > 0, the Nth entry from the right of ``X-Forwarded-For``
    (nginx's ``$proxy_add_x_forwarded_for`` makes ``<what the client sent>, <client>``, so with
    one proxy the last entry); entries further left are the client's own claims and are ignored.
    Otherwise, or when the header is missing or malformed, ``REMOTE_ADDR``; when that is no
    address either, :data:`UNKNOWN_ADDRESS`."""
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted > 0:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= trusted:
            address = _address(entries[-trusted])
            if address:
                return address
    return _address(request.META.get("REMOTE_ADDR") or "") or UNKNOWN_ADDRESS


class IdConverter:
    """``<id:name>``: a database id, 1 to 2^63-1, as an int; anything else does not match."""

    regex = "[1-9][0-9]{0,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"id {value} is out of range")
        return number

    def to_url(self, value) -> str:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(f"id {value} is out of range")
        return str(number)
