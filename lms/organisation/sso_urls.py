"""Sign in with a City account: /accounts/oidc/ (404 while single sign-on is off)."""

from django.urls import path

from lms.organisation import sso_views

urlpatterns = [
    path(
        "authenticate/",
        sso_views.CityAccountStartView.as_view(),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        sso_views.CityAccountCallbackView.as_view(),
        name="oidc_authentication_callback",
    ),
]
