from django.urls import path

from lms.compliance import views

app_name = "compliance"

urlpatterns = [
    path("", views.index, name="index"),
    path("team/", views.team, name="team"),
    path("team/reminders/", views.team_reminders, name="team_reminders"),
    path("departments/<str:code>/", views.department, name="department"),
    path("departments/<str:code>/export.csv", views.export, name="export"),
    path("departments/<str:code>/reminders/", views.reminders, name="reminders"),
    path("departments/<str:code>/confirm/", views.roster_confirm, name="roster_confirm"),
    path("departments/<str:code>/confirmed/", views.roster_confirmed, name="roster_confirmed"),
    path("assignments/<id:pk>/", views.assignment, name="assignment"),
    path("assignments/<id:pk>/extension/", views.extension_grant, name="extension_grant"),
    path("assignments/<id:pk>/exemption/", views.exemption_grant, name="exemption_grant"),
    path(
        "assignments/<id:pk>/exemptions/<id:exemption>/end/",
        views.exemption_end,
        name="exemption_end",
    ),
]
