from django.urls import path

from lms.reminders import views

app_name = "reminders"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
]
