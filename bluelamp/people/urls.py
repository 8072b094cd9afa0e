from django.urls import path

from bluelamp.people import views, views_equality

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("me/", views.me, name="me"),
    path("me/equality/", views_equality.my_equality, name="equality"),
    path("add/", views.person_add, name="add"),
    path("import/", views.import_start, name="import"),
    path("import/<uuid:run_uuid>/", views.import_run, name="import_run"),
    path("import/<uuid:run_uuid>/apply/", views.import_apply, name="import_apply"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/transfer/", views.person_transfer, name="transfer"),
]
