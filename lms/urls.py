import re

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import urls as courses_urls
from lms import views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    # Single sign-on (issue 17): City accounts, and a logout that also ends the provider's.
    path("accounts/oidc/", include("lms.organisation.sso_urls")),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation_accept",
    ),
    path(
        "accounts/invitation/done/",
        TemplateView.as_view(template_name="registration/invitation_complete.html"),
        name="invitation_complete",
    ),
    path("accounts/second-factor/", views.SecondFactorView.as_view(), name="second_factor"),
    path(
        "accounts/second-factor/enrol/",
        views.SecondFactorEnrolView.as_view(),
        name="second_factor_enrol",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # "My training" combines courses and compliance, so it is composed in here, at the top.
    path(
        "learn/",
        include(
            (
                [path("", views.my_training, name="my_training"), *courses_urls.urlpatterns],
                courses_urls.app_name,
            )
        ),
    ),
    path("compliance/", include("lms.compliance.urls")),
    path("certificates/", include("certificates.urls")),
    path("reports/", include("lms.reports.urls")),
    path("reminders/", include("lms.reminders.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]

if settings.DEBUG:
    # Development only, and only Wagtail's public images (PUBLIC_MEDIA_PREFIXES): documents go
    # through /documents/, and generated records live in the private storage, served only by
    # the views that check access. Production publishes MEDIA_ROOT/images/ from the proxy.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$",
            views.public_media,
            name="public_media",
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]
