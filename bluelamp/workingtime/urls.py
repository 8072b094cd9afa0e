"""The extra-closures page, for a domain to mount (the service desk does, at /service-desk/closures/)."""

from django.urls import path

from bluelamp.workingtime import views

urlpatterns = [
    path("", views.closure_list, name="closures"),
    path("<int:closure_id>/remove/", views.closure_remove, name="closure_remove"),
]
