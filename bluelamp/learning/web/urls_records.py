from django.urls import path

from bluelamp.learning.web import views_records as views

urlpatterns = [
    path("", views.record_mine, name="record_mine"),
    path("add/", views.record_add, name="record_add"),
    path("people/<int:person_id>/", views.record_person, name="record_person"),
    path("people/<int:person_id>/add/", views.record_add, name="record_add_for"),
    path("people/<int:person_id>/record.csv", views.record_csv, name="record_csv"),
    path("people/<int:person_id>/record.pdf", views.record_pdf, name="record_pdf"),
    path("entries/<uuid:completion_uuid>/evidence/", views.record_evidence, name="record_evidence"),
    path("entries/<uuid:completion_uuid>/remove/", views.record_remove, name="record_remove"),
    path("import/", views.record_import, name="record_import"),
    path("import/<uuid:run_uuid>/", views.record_import_run, name="record_import_run"),
    path("import/<uuid:run_uuid>/apply/", views.record_import_apply, name="record_import_apply"),
]
