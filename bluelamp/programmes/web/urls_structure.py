"""Building programmes and running cohorts, under /programmes/manage/ (the "structure" part of
programmes' pages: views_structure.py, views_structure_versions.py, views_structure_cohorts.py).
The names are fixed: services and the other parts reverse them."""

from django.urls import path

from bluelamp.programmes.web import views_structure as programmes
from bluelamp.programmes.web import views_structure_cohorts as cohorts
from bluelamp.programmes.web import views_structure_versions as versions

urlpatterns = [
    path("manage/", programmes.manage, name="manage"),
    path("manage/new/", programmes.programme_create, name="programme_create"),
    path("manage/<uuid:programme_uuid>/", programmes.programme_manage, name="programme_manage"),
    path("manage/<uuid:programme_uuid>/edit/", programmes.programme_edit, name="programme_edit"),
    path("manage/<uuid:programme_uuid>/structure/", versions.structure, name="structure"),
    path("manage/<uuid:programme_uuid>/structure/sets/<int:set_id>/", versions.set_edit, name="set_edit"),
    path("manage/<uuid:programme_uuid>/structure/units/<int:unit_id>/", versions.unit_edit, name="unit_edit"),
    path("manage/<uuid:programme_uuid>/publish/", versions.publish, name="publish"),
    path("manage/<uuid:programme_uuid>/cohorts/", cohorts.cohorts, name="cohorts"),
    path("manage/<uuid:programme_uuid>/cohorts/<uuid:cohort_uuid>/", cohorts.cohort_edit, name="cohort_edit"),
]
