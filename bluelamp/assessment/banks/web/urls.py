"""The question banks' pages, under /assessment/banks/ ("assessment:banks", "assessment:bank_*",
"assessment:question_*")."""

from django.urls import path

from bluelamp.assessment.banks.web import views_banks, views_files, views_questions

urlpatterns = [
    path("", views_banks.bank_list, name="banks"),
    path("new/", views_banks.bank_new, name="bank_new"),
    path("questions/<uuid:question_uuid>/", views_questions.question_detail, name="question"),
    path("questions/<uuid:question_uuid>/edit/", views_questions.question_edit, name="question_edit"),
    path("questions/<uuid:question_uuid>/hide/", views_questions.question_hide, name="question_hide"),
    path("<uuid:bank_uuid>/", views_banks.bank_detail, name="bank"),
    path("<uuid:bank_uuid>/edit/", views_banks.bank_edit, name="bank_edit"),
    path("<uuid:bank_uuid>/move/", views_banks.bank_questions_move, name="bank_questions_move"),
    path("<uuid:bank_uuid>/categories/new/", views_banks.bank_category_new, name="bank_category_new"),
    path(
        "<uuid:bank_uuid>/categories/<uuid:category_uuid>/",
        views_banks.bank_category,
        name="bank_category",
    ),
    path(
        "<uuid:bank_uuid>/categories/<uuid:category_uuid>/delete/",
        views_banks.bank_category_delete,
        name="bank_category_delete",
    ),
    path("<uuid:bank_uuid>/questions/new/", views_questions.bank_question_new, name="bank_question_new"),
    path(
        "<uuid:bank_uuid>/questions/new/<slug:qtype>/",
        views_questions.bank_question_new_type,
        name="bank_question_new_type",
    ),
    path("<uuid:bank_uuid>/import/", views_files.bank_import, name="bank_import"),
    path("<uuid:bank_uuid>/export/", views_files.bank_export, name="bank_export"),
]
