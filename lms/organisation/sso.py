"""Single sign-on configuration: whether it is on, and the provider's endpoints.

The endpoints mozilla-django-oidc needs (authorization, token, userinfo, JWKS) and the one for
logout come from the provider's discovery document at OIDC_DISCOVERY_URL, fetched the first
time they are needed and kept for the life of the process (a restart picks up a change).
docs/single-sign-on.md tells how to configure it.
"""

import threading

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

WELL_KNOWN = "/.well-known/openid-configuration"

#: The settings mozilla-django-oidc reads, and the discovery document's name for each.
ENDPOINT_SETTINGS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}

_documents: dict[str, dict] = {}
_lock = threading.Lock()


def sso_enabled() -> bool:
    """Whether single sign-on is configured (OIDC_DISCOVERY_URL is set)."""
    return bool(getattr(settings, "OIDC_DISCOVERY_URL", ""))


def discovery_url() -> str:
    url = settings.OIDC_DISCOVERY_URL.rstrip("/")
    return url if url.endswith(WELL_KNOWN) else url + WELL_KNOWN


def provider_metadata() -> dict:
    """The provider's discovery document (fetched once per process and URL)."""
    url = discovery_url()
    with _lock:
        if url not in _documents:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
            missing = [name for name in ENDPOINT_SETTINGS.values() if not document.get(name)]
            if missing or not document.get("issuer"):
                raise ImproperlyConfigured(
                    f"The discovery document at {url} lacks {', '.join(missing) or 'issuer'}."
                )
            _documents[url] = document
        return _documents[url]


def provider_setting(name: str):
    """An endpoint setting from the discovery document, unless the environment set it."""
    explicit = getattr(settings, name, None)
    if explicit:
        return explicit
    return provider_metadata()[ENDPOINT_SETTINGS[name]]


def issuer() -> str:
    return provider_metadata()["issuer"]


def end_session_endpoint() -> str | None:
    """The provider's RP-initiated logout endpoint, when it has one."""
    return provider_metadata().get("end_session_endpoint") or None


def forget_metadata() -> None:
    """Fetch the discovery document again next time (tests, a changed configuration)."""
    with _lock:
        _documents.clear()
