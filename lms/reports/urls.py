from django.urls import path, re_path

from lms.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("items/", views.items, name="items"),
    re_path(r"^export/(?P<table>[a-z]+)\.(?P<kind>csv|xlsx)$", views.export, name="export"),
    path("exports/", views.export_list, name="exports"),
    path("exports/<id:pk>/", views.export_status, name="export_status"),
    path("exports/<id:pk>/download/", views.export_download, name="export_download"),
    path("progress-reports/", views.report_list, name="reports"),
    path("progress-reports/<id:pk>/", views.report, name="report"),
    path("progress-reports/<id:pk>/edit/", views.report_update, name="report_update"),
    path("progress-reports/<id:pk>/publish/", views.report_publish, name="report_publish"),
    path("progress-reports/<id:pk>/pdf/", views.report_pdf, name="report_pdf"),
]
