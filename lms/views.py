import logging
import posixpath
from base64 import b32encode
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.generic import FormView
from django.views.static import serve
from django_ratelimit.core import is_ratelimited

from courses import selectors as course_selectors
from lms.compliance import selectors as compliance_selectors
from lms.forms import LoginForm, PasswordResetForm, SecondFactorForm
from lms.organisation import second_factor, sso
from lms.organisation.services import second_factor as second_factor_services
from lms.organisation.sso_views import preferred_language_remember
from lms.organisation.tokens import invitation_token_generator, reset_token_generator
from lms.sites import without_site

logger = logging.getLogger(__name__)

#: The session key holding the ID token (mozilla-django-oidc's OIDC_STORE_ID_TOKEN).
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 (a session key, not a secret)


class LoginView(auth_views.LoginView):
    """Django's login, which also switches the site to the employee's preferred language."""

    redirect_authenticated_user = True
    form_class = LoginForm

    def get_context_data(self, **kwargs):
        # With single sign-on on, "Sign in with City account" comes first (issue 17).
        return {**super().get_context_data(**kwargs), "sso_enabled": sso.sso_enabled()}

    def form_valid(self, form):
        response = super().form_valid(form)
        return preferred_language_remember(response, user=form.get_user())


class LogoutView(auth_views.LogoutView):
    """Django's logout (a POST); after a City account sign-in, also the provider's session when
    it offers RP-initiated logout (its end_session_endpoint)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(ID_TOKEN_KEY)
        response = super().post(request, *args, **kwargs)
        if not (id_token and sso.sso_enabled()):
            return response
        try:
            endpoint = sso.end_session_endpoint()
        except (requests.RequestException, ValueError, ImproperlyConfigured):
            # The local session is over; the provider's stays.
            logger.exception("The discovery document could not be read")
            return response
        if not endpoint:
            return response
        query = urlencode(
            {
                "id_token_hint": id_token,
                "client_id": settings.OIDC_RP_CLIENT_ID,
                "post_logout_redirect_uri": request.build_absolute_uri(
                    settings.LOGOUT_REDIRECT_URL
                ),
            }
        )
        separator = "&" if "?" in endpoint else "?"
        return HttpResponseRedirect(f"{endpoint}{separator}{query}")


@never_cache
@without_site
def healthz(request):
    """For load balancers and the run script: the app is up and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@without_site
@cache_control(max_age=86400, public=True)
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the static file's URL
    (hashed in production, so it is cached for a year there)."""
    return HttpResponseRedirect(static("favicon.ico"))


def public_media(request, path: str):
    """Development only: a public file of MEDIA_ROOT (Wagtail's image renditions).

    Anything outside ``PUBLIC_MEDIA_PREFIXES`` is a 404, whether it exists or not, and so is a
    path that is not already normal (``..``, ``.``, doubled slashes), so no path can step out of
    the public folders.
    """
    if not settings.DEBUG:
        raise Http404
    normal = posixpath.normpath(path)
    if normal != path or not normal.startswith(tuple(settings.PUBLIC_MEDIA_PREFIXES)):
        raise Http404
    return serve(request, normal, document_root=settings.MEDIA_ROOT)


@login_required
def my_training(request):
    """The learner's home: their courses (courses) and their assignments (compliance)."""
    training = course_selectors.my_training(user=request.user)
    assignments = compliance_selectors.my_assignments(user=request.user)
    # The courses named in the learner's language where an approved translation exists (one
    # query at most); the completion history keeps the titles as recorded.
    shown = course_selectors.courses_shown_by_pk(
        courses=[
            *(assignment.requirement.course for assignment in assignments),
            *(enrollment.course for enrollment in training.in_progress),
        ],
        language=translation.get_language(),
    )
    for assignment in assignments:
        # Templates cannot look a label up by a variable key.
        assignment.status_label = compliance_selectors.Status.LABELS[assignment.status]
        assignment.course_shown = shown[assignment.requirement.course_id]
    for enrollment in training.in_progress:
        enrollment.course_shown = shown[enrollment.course_id]
    return render(
        request,
        "courses/my_training.html",
        {"training": training, "assignments": assignments},
    )


# --- Accounts: password reset, invitation, second factor (docs/accounts.md) -------------------


def _reset_email_key(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _reset_rate_ip(group, request) -> str:
    return settings.PASSWORD_RESET_RATE_PER_IP


def _reset_rate_email(group, request) -> str:
    return settings.PASSWORD_RESET_RATE_PER_EMAIL


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?": Django's, sent also to imported employees who have no password
    yet (lms.forms.PasswordResetForm), with links void for inactive accounts, and limited per
    client address and per email address typed: beyond the limit a 429 page, and no email."""

    form_class = PasswordResetForm
    html_email_template_name = "registration/password_reset_email.html"
    email_template_name = "registration/password_reset_email.txt"
    token_generator = reset_token_generator

    def post(self, request, *args, **kwargs):
        over_ip = is_ratelimited(
            request,
            group="accounts.password_reset.ip",
            key="ip",
            rate=_reset_rate_ip,
            increment=True,
        )
        over_email = is_ratelimited(
            request,
            group="accounts.password_reset.email",
            key=_reset_email_key,
            rate=_reset_rate_email,
            increment=True,
        )
        if over_ip or over_email:
            response = render(request, "registration/password_reset_limited.html", status=429)
            response["Retry-After"] = "3600"
            return response
        return super().post(request, *args, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once a sign-in is locked out (AXES_LOCKOUT_CALLABLE): the same page
    and status (429) whether or not the account exists; it names no account."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    response = render(
        request, "registration/locked_out.html", {"lockout_minutes": minutes}, status=429
    )
    response["Retry-After"] = str(minutes * 60)
    return response


class _ConfirmStatusMixin:
    """A link that is wrong, used or expired gets its page with a 400, not a 200."""

    def render_to_response(self, context, **response_kwargs):
        if not getattr(self, "validlink", False):
            response_kwargs.setdefault("status", 400)
        return super().render_to_response(context, **response_kwargs)


class PasswordResetConfirmView(_ConfirmStatusMixin, auth_views.PasswordResetConfirmView):
    token_generator = reset_token_generator


class InvitationAcceptView(_ConfirmStatusMixin, auth_views.PasswordResetConfirmView):
    """The link of an invitation: "Set your password" (valid INVITATION_VALID_DAYS days)."""

    token_generator = invitation_token_generator
    template_name = "registration/invitation_set_password.html"
    success_url = reverse_lazy("invitation_complete")


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@method_decorator(never_cache, name="dispatch")
class SecondFactorView(FormView):
    """The code of a staff member's authenticator app, after their password."""

    form_class = SecondFactorForm
    template_name = "registration/second_factor.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        if not second_factor.second_factor_pending(request):
            return redirect(_safe_next(request))
        if not second_factor_services.user_has_totp(user=request.user):
            return redirect(f"{reverse('second_factor_enrol')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": _safe_next(self.request)}

    def form_valid(self, form):
        if second_factor_services.totp_verify(request=self.request, code=form.cleaned_data["code"]):
            return redirect(_safe_next(self.request))
        form.add_error(
            "code",
            _(
                "This code is not right, or was already used. Wait for the next code, then try "
                "again."
            ),
        )
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(never_cache, name="dispatch")
class SecondFactorEnrolView(SecondFactorView):
    """The first time: scan the QR code (or type the key) into an app, confirm one code."""

    template_name = "registration/second_factor_enrol.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(settings.LOGIN_URL)
        if not second_factor.second_factor_pending(request):
            return redirect(_safe_next(request))
        if second_factor_services.user_has_totp(user=request.user):
            return redirect(f"{reverse('second_factor')}?{request.GET.urlencode()}")
        self.device = second_factor_services.totp_device_for_enrolment(user=request.user)
        return FormView.dispatch(self, request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        key = _base32(self.device.bin_key)
        return {
            **super().get_context_data(**kwargs),
            "qr_svg": second_factor_services.totp_qr_svg(device=self.device),
            "manual_key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        }

    def form_valid(self, form):
        if second_factor_services.totp_enrolment_confirm(
            request=self.request, device=self.device, code=form.cleaned_data["code"]
        ):
            return redirect(_safe_next(self.request))
        form.add_error(
            "code", _("This code is not right. Wait for the next code in the app, then try again.")
        )
        return self.render_to_response(self.get_context_data(form=form), status=400)


def _base32(key: bytes) -> str:
    return b32encode(key).decode("ascii").rstrip("=")
