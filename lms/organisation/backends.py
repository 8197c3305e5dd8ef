"""Authentication: the signed-in user comes with their employee record; City accounts (OIDC)."""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import IntegrityError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from lms.organisation import selectors, sso
from lms.organisation.second_factor import PASSWORD_LOGIN_ATTRIBUTE
from lms.organisation.services import sign_in

logger = logging.getLogger(__name__)


class EmployeeModelBackend(ModelBackend):
    """Django's model backend, loading the user's employee record in the same query.

    Nearly every page a learner opens needs ``request.user.employee`` (their training, a course,
    a quiz and its submission); loading it with the user saves a query on each of them. Accounts
    without an employee record (administrators) load as before, and ``user.employee`` raises
    ``Employee.DoesNotExist`` for them as it did.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Django's, marking the request when a password was checked (the second factor of
        staff is owed after a password only: see lms/organisation/second_factor.py)."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and request is not None:
            setattr(request, PASSWORD_LOGIN_ATTRIBUTE, True)
        return user

    def get_user(self, user_id):
        # With the user, in the same query: their employee record and whether they supervise
        # someone (the navigation's "My team", on every page).
        users = (
            get_user_model()
            ._default_manager.select_related("employee")
            .annotate(**selectors.supervises_annotation())
        )
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """Django's, the user's own and their groups' permissions read in one query (a UNION)
        instead of two: the navigation asks on every page. Cached on the user for the request,
        as Django does (``_perm_cache``); the two halves stay available to Django's
        ``get_user_permissions`` and ``get_group_permissions``."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            names = ("content_type__app_label", "codename")
            if user_obj.is_superuser:
                permissions = Permission.objects.values_list(*names)
            else:
                # Permission's default ordering is not allowed in a UNION's parts.
                permissions = (
                    Permission.objects.filter(user=user_obj)
                    .order_by()
                    .values_list(*names)
                    .union(
                        Permission.objects.filter(group__user=user_obj)
                        .order_by()
                        .values_list(*names)
                    )
                )
            user_obj._perm_cache = {
                f"{app_label}.{codename}" for app_label, codename in permissions
            }
        return user_obj._perm_cache


class Refusal:
    """Why a City account was refused; the callback view shows the matching page."""

    FAILED = "failed"  # the exchange with the provider failed or a token was not valid
    UNKNOWN = "unknown"  # no employee of the roster matches
    LEAVER = "leaver"  # the employee left (inactive in the roster)
    UNVERIFIED = "unverified"  # matching by email, and the provider did not verify it
    LINKED = "linked"  # the login or the City account is linked to someone else


class CityAccountRefused(Exception):
    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


class CityAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, letting in only active employees of the HR roster.

    Nobody is created from the provider: the token's claim (OIDC_MATCH_CLAIM) must name exactly
    one employee (OIDC_MATCH_KIND: employee number, or an email the provider verified), ignoring
    case, and that employee must be active. The provider's ``sub`` is stored on the first sign-in
    and must match afterwards. Name and email stay those of the roster. The ID token's issuer and
    audience are checked too (the library checks only its signature, expiry and nonce). Why a
    person was refused is left on ``request.city_account_refusal`` for the callback view.
    """

    def __init__(self, *args, **kwargs):
        # The library reads its endpoints here, on every authenticate() of every backend: they
        # are read when needed instead (from the discovery document, see sso.py), so a password
        # login never waits on the provider.
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr, *args):
        if attr in sso.ENDPOINT_SETTINGS:
            return sso.provider_setting(attr)
        if args:
            return getattr(settings, attr, args[0])
        return getattr(settings, attr)

    def __getattr__(self, name):
        # OIDC_OP_TOKEN_ENDPOINT, OIDC_RP_CLIENT_ID, ... as the library's __init__ would set them.
        if name.startswith("OIDC_"):
            return self.get_settings(name, None)
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        # Only the callback view passes a nonce; a password login never reaches the provider.
        if request is None or "nonce" not in kwargs or not sso.sso_enabled():
            return None
        try:
            return self._authenticate(request, **kwargs)
        except CityAccountRefused as refused:
            logger.warning("City account refused (%s): %s", refused.reason, refused)
            request.city_account_refusal = refused.reason
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError) as error:
            logger.warning("City account sign-in failed: %s", error)
            request.city_account_refusal = Refusal.FAILED
        except ImproperlyConfigured:
            logger.exception("Single sign-on is misconfigured")
            request.city_account_refusal = Refusal.FAILED
        return None

    def _authenticate(self, request, **kwargs):
        self.request = request
        user = super().authenticate(request, **kwargs)
        if user is None and not getattr(request, "city_account_refusal", None):
            raise CityAccountRefused(Refusal.FAILED, "no user")
        return user

    def get_or_create_user(self, access_token, id_token, payload):
        # The library turns SuspiciousOperation into a silent None; refusals must stay visible.
        claims = self.get_userinfo(access_token, id_token, payload)
        self.verify_claims(claims)
        users = self.filter_users_by_claims(claims)
        return self.update_user(users[0], claims)

    def _verify_jws(self, payload, key):
        """The signature (the library), then the issuer and the audience."""
        claims = super()._verify_jws(payload, key)
        if claims.get("iss") != sso.issuer():
            raise SuspiciousOperation("ID token from another issuer")
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and claims.get("azp") != settings.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token authorised for another client")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """The userinfo claims, which must be about the person of the ID token, with the
        verified ID token's claims over them (Microsoft Entra ID puts an employee number
        claim in the ID token only; its userinfo endpoint returns a few fixed claims)."""
        claims = super().get_userinfo(access_token, id_token, payload)
        if not payload.get("sub") or claims.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return {**claims, **payload}

    def verify_claims(self, claims):
        value = claims.get(settings.OIDC_MATCH_CLAIM)
        if not isinstance(value, str) or not value.strip():
            raise CityAccountRefused(Refusal.UNKNOWN, "the token has no matching claim")
        if settings.OIDC_MATCH_KIND == "email" and claims.get("email_verified") not in (
            True,
            "true",
        ):
            raise CityAccountRefused(Refusal.UNVERIFIED, "the email is not verified")
        return True

    def filter_users_by_claims(self, claims):
        """The one login of the active employee the claim names, linked to this ``sub``."""
        value = claims[settings.OIDC_MATCH_CLAIM].strip()
        employees = list(
            selectors.employees_matching_claim(kind=settings.OIDC_MATCH_KIND, value=value)[:2]
        )
        if len(employees) != 1:
            raise CityAccountRefused(Refusal.UNKNOWN, f"{len(employees)} employees match")
        employee = employees[0]
        if not (employee.is_active and employee.user.is_active):
            raise CityAccountRefused(Refusal.LEAVER, f"employee {employee.pk} is inactive")
        try:
            sign_in.account_city_link(user=employee.user, subject=claims["sub"])
        except (sign_in.LinkRefused, IntegrityError) as refused:
            raise CityAccountRefused(Refusal.LINKED, str(refused)) from refused
        return [employee.user]

    def update_user(self, user, claims):
        # Name and email come from the HR roster, never from the token.
        return user

    def get_user(self, user_id):
        return EmployeeModelBackend().get_user(user_id)
