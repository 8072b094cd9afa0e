"""The public release notes, under /release-notes/ (mounted at the root: anyone may read them)."""

from django.urls import path

from bluelamp.changes.web import views_releases as views

urlpatterns = [
    path("release-notes/", views.public_list, name="release_notes"),
    path("release-notes/<str:reference>/", views.public_detail, name="release_notes_detail"),
    path(
        "release-notes/<str:reference>/guides/<int:guide_id>/", views.public_guide, name="release_notes_guide"
    ),
]
