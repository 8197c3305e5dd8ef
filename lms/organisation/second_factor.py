"""Staff who sign in with a local password confirm a TOTP code before anything else.

Staff roles (``roles.STAFF_ROLES``: OEI administrator, content editor, legal reviewer) and
superusers reach the admin, so a password alone is not enough for them. When one of them signs
in with a password (the model backend's ``authenticate`` marks the request), the session is
marked as waiting for the second factor; until a code from their authenticator app is
confirmed (django-otp's ``is_verified()``), every page but the second factor's own, logging out
and changing the language sends them to the second factor page: the enrolment (with a QR code)
the first time, the code afterwards. See docs/accounts.md.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse

from lms.organisation import roles

#: In the session while a second factor is owed.
PENDING_SESSION_KEY = "lms.second_factor_pending"
#: Set on the request by the model backend when a password was checked.
PASSWORD_LOGIN_ATTRIBUTE = "lms_password_login"  # noqa: S105 (an attribute name)


def user_needs_second_factor(user) -> bool:
    """Whether ``user`` must confirm a TOTP code after signing in with a password."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=roles.STAFF_ROLES).exists()


@receiver(user_logged_in, dispatch_uid="lms.second_factor.mark")
def second_factor_mark(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if getattr(request, PASSWORD_LOGIN_ATTRIBUTE, False) and user_needs_second_factor(user):
        request.session[PENDING_SESSION_KEY] = True


def second_factor_pending(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not request.session.get(PENDING_SESSION_KEY):
        return False
    return not user.is_verified()


class SecondFactorMiddleware:
    """Sends a staff session still owing its second factor to the second factor page."""

    ALLOWED_NAMES = ("second_factor", "second_factor_enrol", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if second_factor_pending(request) and not self._allowed(request):
            target = reverse("second_factor")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        path = request.path_info
        if path.startswith(settings.STATIC_URL):
            return True
        allowed = {reverse(name) for name in self.ALLOWED_NAMES}
        allowed.add(reverse("wagtailadmin_logout"))
        return path in allowed
