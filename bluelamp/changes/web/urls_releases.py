"""Releases, under /changes/releases/ (views_releases.py)."""

from django.urls import path

from bluelamp.changes.web import views_releases as views

urlpatterns = [
    path("", views.release_list, name="releases"),
    path("new/", views.release_new, name="release_new"),
    path("<str:reference>/", views.release_detail, name="release"),
    path("<str:reference>/reschedule/", views.release_reschedule, name="release_reschedule"),
    path("<str:reference>/announce/", views.release_announce, name="release_announce"),
    path("<str:reference>/deploy/", views.release_deploy, name="release_deploy"),
    path("<str:reference>/guides/", views.release_guide_add, name="release_guide_add"),
    path("<str:reference>/guides/<int:guide_id>/", views.release_guide, name="release_guide"),
    path(
        "<str:reference>/guides/<int:guide_id>/remove/",
        views.release_guide_remove,
        name="release_guide_remove",
    ),
]
