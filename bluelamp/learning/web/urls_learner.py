from django.urls import path

from bluelamp.learning.web import views_learner as views

urlpatterns = [
    path("", views.my_learning, name="my_learning"),
    path("courses/", views.catalogue, name="catalogue"),
    path("courses/<uuid:course_uuid>/", views.course_detail, name="course"),
    path("courses/<uuid:course_uuid>/enrol/", views.course_enrol, name="course_enrol"),
    path("courses/<uuid:course_uuid>/leave/", views.course_leave, name="course_leave"),
    path("enrolments/<uuid:enrolment_uuid>/activities/<int:activity_id>/", views.activity, name="activity"),
    path(
        "enrolments/<uuid:enrolment_uuid>/activities/<int:activity_id>/done/",
        views.activity_done,
        name="activity_done",
    ),
    path(
        "enrolments/<uuid:enrolment_uuid>/activities/<int:activity_id>/open/",
        views.activity_open,
        name="activity_open",
    ),
    path(
        "enrolments/<uuid:enrolment_uuid>/activities/<int:activity_id>/play/<int:sco_id>/",
        views.play,
        name="play",
    ),
    path("scorm/sessions/<uuid:session_uuid>/commit/", views.sco_commit, name="sco_commit"),
]
