"""Resolving a complaint from its ticket, included into the "servicedesk" namespace. Three path
segments, so that it never meets the ticket work page's `tickets/<reference>/<action>/`."""

from django.urls import path

from bluelamp.servicedesk.complaints import views

urlpatterns = [
    path("tickets/<str:reference>/complaint/resolve/", views.complaint_resolve, name="complaint_resolve"),
]
