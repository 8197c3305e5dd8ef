import logging
import posixpath
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.static import serve

from courses import selectors as course_selectors
from lms.compliance import selectors as compliance_selectors
from lms.forms import LoginForm
from lms.organisation import sso
from lms.organisation.selectors import employee_for

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
        employee = employee_for(user=form.get_user())
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
def healthz(request):
    """For load balancers and the run script: the app is up and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


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
    for assignment in assignments:
        # Templates cannot look a label up by a variable key.
        assignment.status_label = compliance_selectors.Status.LABELS[assignment.status]
    return render(
        request,
        "courses/my_training.html",
        {"training": training, "assignments": assignments},
    )
