from django.urls import path

from certificates import views

app_name = "certificates"

urlpatterns = [
    path("", views.my_certificates, name="mine"),
    path("<id:pk>/pdf/", views.download, name="download"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("manage/", views.manage, name="manage"),
    path("manage/<id:pk>/", views.manage_detail, name="manage_detail"),
    path("manage/<id:pk>/revoke/", views.revoke, name="revoke"),
    path("manage/<id:pk>/reissue/", views.reissue, name="reissue"),
    path("departments/<str:code>/archive/", views.archive_request, name="archive_request"),
    path("archives/<uuid:public_id>/", views.archive, name="archive"),
    path("archives/<uuid:public_id>/progress/", views.archive_progress, name="archive_progress"),
    path("archives/<uuid:public_id>/download/", views.archive_download, name="archive_download"),
]
