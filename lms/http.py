"""HTTP helpers for every app: the client's address behind proxies, the ``id`` URL converter.

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
1 to 2^63-1; anything else is no match, so a 404. For URL patterns that are not ours (Wagtail's
admin), :class:`IdRangeMiddleware` turns an out-of-range id, or a ``pk`` that is not a number
for a model whose key is one, into a 404 before the view runs.
"""

import ipaddress
from contextvars import ContextVar
from datetime import timedelta
from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.apps import apps
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import models
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone

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
    """``<id:name>``: a database id, 1 to 2^63-1, as an int; anything else does not match.

    The pattern takes any digits and :meth:`to_python` refuses what is out of range (a
    ValueError is "no match", so a 404), which lets ``reverse()`` still build a URL for any
    number (one that then answers 404, as tests of unknown ids rely on)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)  # more than 4300 digits is a ValueError too
        if not 1 <= number <= MAX_ID or value != str(number):
            raise ValueError(f"{value} is not an id")
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def _model(model):
    """A model class given as itself or as ``"app_label.Model"``; None for anything else."""
    if isinstance(model, str):
        try:
            return apps.get_model(model)
        except (LookupError, ValueError):
            return None
    if isinstance(model, type) and issubclass(model, models.Model):
        return model
    return None


def _integer_key(model) -> bool:
    """Whether ``model``'s primary key is an integer (following a multi-table parent link)."""
    field = model._meta.pk
    while field.is_relation:
        field = field.target_field
    return isinstance(field, models.IntegerField)


class IdRangeMiddleware:
    """A 404, not a 500, for ids the database cannot hold in URL patterns that are not ours.

    Wagtail's admin takes ``<int:...>`` ids of any size, and ``<str:pk>`` in its choosers
    (``/admin/images/chooser/chosen/<pk>/``) where an integer key is looked up as given."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not 0 <= value <= MAX_ID:
                raise Http404
        pk = view_kwargs.get("pk")
        model = _model(getattr(view_func, "view_initkwargs", {}).get("model"))
        if isinstance(pk, str) and model is not None and _integer_key(model):
            if not (pk.isascii() and pk.isdigit() and int(pk) <= MAX_ID):
                raise Http404
        return None


#: The request being answered, for templates rendered without it (form widgets): see
#: :func:`request_nonce`.
_current_request: ContextVar = ContextVar("lms_current_request", default=None)


def request_nonce(request=None) -> str:
    """The CSP nonce of ``request``, else of the request this thread is answering, else "".

    Wagtail's admin writes a few inline ``<script>``s (date pickers, inline panels); our copies
    of those templates put this nonce on them, so the admin needs no ``'unsafe-inline'``. Form
    widgets are rendered without the request in their context, hence the context variable."""
    request = request or _current_request.get()
    nonce = getattr(request, "csp_nonce", None)
    return "" if nonce is None else str(nonce)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with ``ADMIN_CONTENT_SECURITY_POLICY`` replacing directives of
    ``CONTENT_SECURITY_POLICY`` under ``/admin/`` (Wagtail's admin; see docs/security.md), and
    the request kept in a context variable while it is answered (:func:`request_nonce`)."""

    def process_request(self, request):
        super().process_request(request)
        request._lms_request_token = _current_request.set(request)

    def process_response(self, request, response):
        response = super().process_response(request, response)
        token = getattr(request, "_lms_request_token", None)
        if token is not None:
            _current_request.reset(token)
            request._lms_request_token = None
        return response

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        admin = getattr(settings, "ADMIN_CONTENT_SECURITY_POLICY", None)
        if admin and not report_only and request.path_info.startswith("/admin/"):
            parts.replace = {**admin, **(parts.replace or {})}
        # Single sign-on (issue 17): "Log out" posts to our logout, which redirects to the
        # identity provider's to end its session too; form-action covers those redirects.
        sso_origin = _sso_origin()
        if sso_origin:
            parts.update = {**(parts.update or {}), "form-action": [sso_origin]}
        return parts


def _sso_origin() -> str:
    """scheme://host[:port] of OIDC_DISCOVERY_URL, or "" with single sign-on off."""
    url = urlsplit(getattr(settings, "OIDC_DISCOVERY_URL", "") or "")
    return f"{url.scheme}://{url.netloc}" if url.scheme and url.netloc else ""


def _idle_cache_key(session_key: str) -> str:
    return f"lms.session_idle:{session_key}"


@receiver(user_logged_in, dispatch_uid="lms.http.session_idle_login")
def _session_idle_login(sender, request, user, **kwargs):
    """A session just signed in has a fresh end: the next minute's requests need not move it."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        cache.set(_idle_cache_key(key), 1, getattr(settings, "SESSION_IDLE_PRECISION", 60))


class SessionIdleMiddleware:
    """Idle sessions end: each request pushes back the end of the session it carries.

    A session ends ``SESSION_COOKIE_AGE`` seconds after its last request. Django's
    ``SESSION_SAVE_EVERY_REQUEST`` would do it by rewriting the whole session on every request,
    and a slow request would then write back what it read before a quicker one changed it (a
    second factor just confirmed, a sign-in): here only the end date is moved, in the database,
    at most once every ``SESSION_IDLE_PRECISION`` seconds per session (a cache key says when it
    last was), and the data is never rewritten. The cookie itself lasts until the browser closes
    (``SESSION_EXPIRE_AT_BROWSER_CLOSE``); the server refuses a session past its end. Needs the
    database session engine (the default); with another engine, sessions end
    ``SESSION_COOKIE_AGE`` after they were last written.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        key = getattr(session, "session_key", None)
        if not key or session.modified or not hasattr(session, "get_model_class"):
            return response  # none, or saved now by SessionMiddleware with a fresh end
        precision = getattr(settings, "SESSION_IDLE_PRECISION", 60)
        if not cache.add(_idle_cache_key(key), 1, precision):
            return response  # moved less than a minute ago
        now = timezone.now()
        session.get_model_class().objects.filter(session_key=key, expire_date__gt=now).update(
            expire_date=now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
        )
        return response
