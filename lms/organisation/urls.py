"""The roster import's admin URLs, mounted under /admin/ by ``wagtail_hooks``."""

from django.urls import path

from lms.organisation import views

app_name = "organisation_roster"

urlpatterns = [
    path("", views.RosterUploadView.as_view(), name="upload"),
    path("<slug:token>/", views.RosterPreviewView.as_view(), name="preview"),
    path("<slug:token>/apply/", views.RosterApplyView.as_view(), name="apply"),
]
