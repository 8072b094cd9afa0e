from django.urls import path

from bluelamp.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("add/", views.organisation_create, name="create"),
    path("units/", views.units, name="units"),
    path("units/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path("licences/", views.licences, name="licences"),
    path("licences/add/", views.licence_create, name="licence_create"),
    path("licences/<int:licence_id>/", views.licence_detail, name="licence"),
    path("licence-contacts/<int:contact_id>/remove/", views.licence_contact_remove, name="contact_remove"),
    path("roles/", views.roles, name="roles"),
    path("roles/<int:assignment_id>/revoke/", views.role_revoke, name="role_revoke"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/logo", views.organisation_logo, name="logo"),
    path("<slug:slug>/single-sign-on/", views.single_sign_on, name="single_sign_on"),
]
