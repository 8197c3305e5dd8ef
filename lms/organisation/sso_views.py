"""Sign in with a City account (OpenID Connect, mozilla-django-oidc's views) and sign out.

The start and callback views are the library's, reading the provider's endpoints when needed
(lms/organisation/sso.py) and showing a clear page, never a 500, when a person is refused.
"""

import logging

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from lms.organisation import sso
from lms.organisation.backends import CityAccountBackend, Refusal
from lms.organisation.selectors import employee_for

logger = logging.getLogger(__name__)

REFUSALS = {
    Refusal.LEAVER: (
        _("Your City account cannot sign in here"),
        _(
            "The HR roster lists you as no longer working for the City, so the training site "
            "is closed to you. If you still work for the City, ask your department's HR "
            "contact to correct the roster."
        ),
    ),
    Refusal.UNKNOWN: (
        _("Your City account is not on the HR roster"),
        _(
            "No active employee of the HR roster matches the City account you signed in with, "
            "so the training site cannot let you in. If you are a City employee, ask your "
            "department's HR contact to check your employee record."
        ),
    ),
    Refusal.UNVERIFIED: (
        _("Your City account could not be matched"),
        _(
            "The City's sign-in service did not confirm your email address, so it cannot be "
            "matched to an employee. Contact the IT service desk."
        ),
    ),
    Refusal.LINKED: (
        _("Your City account cannot sign in to this account"),
        _(
            "This training account is linked to a different City account, or your City account "
            "to a different training account. Nothing was changed. Contact the Office of Equity "
            "and Inclusion to have it checked."
        ),
    ),
    Refusal.FAILED: (
        _("Signing in with your City account failed"),
        _(
            "The sign-in could not be completed: it may have expired, been used already or "
            "been changed on the way. Nothing was changed. Start again from the login page."
        ),
    ),
}


def refusal_page(request, reason: str, status: int = 403):
    title, message = REFUSALS.get(reason, REFUSALS[Refusal.FAILED])
    return render(
        request,
        "organisation/city_account_refused.html",
        {"title": title, "message": message},
        status=status,
    )


def preferred_language_remember(response, *, user):
    """After a sign-in (password or City account), switch to the employee's preferred language
    and keep it in the language cookie; returns ``response``."""
    employee = employee_for(user=user)
    if employee is not None and employee.preferred_language in dict(settings.LANGUAGES):
        translation.activate(employee.preferred_language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            employee.preferred_language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


class SsoRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not sso.sso_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class CityAccountStartView(SsoRequiredMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in (with state, nonce and PKCE)."""

    def __init__(self, **kwargs):
        # Not the library's __init__: the endpoints are read in get(), from the discovery
        # document, so that building the view never needs the provider.
        View.__init__(self, **kwargs)

    get_settings = staticmethod(CityAccountBackend.get_settings)

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, ImproperlyConfigured):
            # The provider does not answer, or not with a discovery document: say so.
            logger.exception("The discovery document could not be read")
            return refusal_page(request, Refusal.FAILED, status=503)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CityAccountCallbackView(SsoRequiredMixin, OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: signs the person in, or says why not."""

    get_settings = staticmethod(CityAccountBackend.get_settings)

    @property
    def success_url(self):
        # Where the sign-in started from (checked by the start view), else "My training".
        return self.request.session.get("oidc_login_next") or reverse("courses:my_training")

    def get(self, request):
        try:
            return super().get(request)
        except SuspiciousOperation as error:  # an unknown or tampered state
            logger.warning("City account callback refused: %s", error)
            return refusal_page(request, Refusal.FAILED, status=400)

    def login_failure(self):
        reason = getattr(self.request, "city_account_refusal", None) or Refusal.FAILED
        status = 400 if reason == Refusal.FAILED else 403
        return refusal_page(self.request, reason, status=status)

    def login_success(self):
        response = super().login_success()
        return preferred_language_remember(response, user=self.user)
