from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.cache import never_cache


class LoginView(auth_views.LoginView):
    """Django's login, which also switches the site to the employee's preferred language."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        employee = getattr(form.get_user(), "employee", None)
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


@never_cache
def healthz(request):
    """For load balancers and the run script: the app is up and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
