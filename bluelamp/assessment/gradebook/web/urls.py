"""The gradebook's pages, under /assessment/gradebook/ (URL names `assessment:gradebooks`,
`assessment:gradebook`, `assessment:my_grades`, and the rest `assessment:gradebook_...`)."""

from django.urls import path

from bluelamp.assessment.gradebook.web import views_mine, views_report, views_setup

_course = "courses/<uuid:course_uuid>/"
_grade = _course + "learners/<uuid:person_uuid>/items/<uuid:item_uuid>/"
_setup = _course + "setup/"

urlpatterns = [
    path("", views_report.gradebooks, name="gradebooks"),
    path("mine/", views_mine.my_grades, name="my_grades"),
    path("mine/<uuid:course_uuid>/", views_mine.my_course_grades, name="gradebook_mine_course"),
    # For those who mark: the grader report, its export, a learner's row and one grade.
    path(_course, views_report.gradebook, name="gradebook"),
    path(_course + "export.<slug:fmt>", views_report.gradebook_export, name="gradebook_export"),
    path(_course + "learners/<uuid:person_uuid>/", views_report.gradebook_learner, name="gradebook_learner"),
    path(_grade, views_report.gradebook_grade, name="gradebook_grade"),
    path(_grade + "enter/", views_report.gradebook_grade_enter, name="gradebook_grade_enter"),
    path(_grade + "override/", views_report.gradebook_grade_override, name="gradebook_grade_override"),
    path(_grade + "override/remove/", views_report.gradebook_grade_clear, name="gradebook_grade_clear"),
    # For the course's managers: setting it up.
    path(_setup, views_setup.gradebook_setup, name="gradebook_setup"),
    path(_setup + "settings/", views_setup.gradebook_settings, name="gradebook_settings"),
    path(_setup + "categories/new/", views_setup.gradebook_category_new, name="gradebook_category_new"),
    path(
        _setup + "categories/<uuid:category_uuid>/",
        views_setup.gradebook_category_edit,
        name="gradebook_category_edit",
    ),
    path(
        _setup + "categories/<uuid:category_uuid>/move/",
        views_setup.gradebook_category_move,
        name="gradebook_category_move",
    ),
    path(
        _setup + "categories/<uuid:category_uuid>/delete/",
        views_setup.gradebook_category_delete,
        name="gradebook_category_delete",
    ),
    path(_setup + "items/new/", views_setup.gradebook_item_new, name="gradebook_item_new"),
    path(_setup + "items/<uuid:item_uuid>/", views_setup.gradebook_item_edit, name="gradebook_item_edit"),
    path(
        _setup + "items/<uuid:item_uuid>/move/", views_setup.gradebook_item_move, name="gradebook_item_move"
    ),
    path(
        _setup + "items/<uuid:item_uuid>/delete/",
        views_setup.gradebook_item_delete,
        name="gradebook_item_delete",
    ),
]
