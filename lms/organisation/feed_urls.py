"""The HR roster feed's admin URLs, mounted under /admin/ by ``wagtail_hooks``."""

from django.urls import path

from lms.organisation import feed_views

app_name = "organisation_roster_feed"

urlpatterns = [
    path("", feed_views.RosterFeedIndexView.as_view(), name="index"),
    path("<id:pk>/", feed_views.RosterFeedFileView.as_view(), name="file"),
]
