from django.urls import path

from courses import views

app_name = "courses"

# "My training" (``courses:my_training``, the empty path) is composed in by ``lms.urls``: it
# shows the learner's assignments too, which live in a layer above courses.

urlpatterns = [
    path("courses/<id:course_id>/start/", views.course_start, name="course_start"),
    path("courses/<id:course_id>/quiz/", views.quiz, name="quiz"),
    path("courses/<id:course_id>/quiz/start/", views.quiz_start, name="quiz_start"),
    path("courses/<id:course_id>/complete/", views.course_complete, name="course_complete"),
    path("courses/<id:course_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("lessons/<id:lesson_id>/complete/", views.lesson_complete, name="lesson_complete"),
    path("attempts/<uuid:attempt_key>/", views.attempt, name="attempt"),
    path("attempts/<uuid:attempt_key>/result/", views.attempt_result, name="attempt_result"),
]
