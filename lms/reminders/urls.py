from django.urls import path

from lms.reminders import views

app_name = "reminders"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("to-check/", views.to_check, name="to_check"),
    path("to-check/<str:kind>/<int:pk>/send-again/", views.send_again, name="send_again"),
]
