"""Major incident pages, and declaring one from a ticket, included into the "servicedesk"
namespace. The ticket action has three path segments, so that it never meets the ticket work
page's `tickets/<reference>/<action>/`."""

from django.urls import path

from bluelamp.servicedesk.incidents import views

urlpatterns = [
    path("major-incidents/", views.major_incident_list, name="major_incidents"),
    path("major-incidents/<uuid:incident_uuid>/", views.major_incident, name="major_incident"),
    path(
        "major-incidents/<uuid:incident_uuid>/<slug:action>/",
        views.major_incident,
        name="major_incident_action",
    ),
    path(
        "tickets/<str:reference>/major-incident/declare/",
        views.major_incident_declare,
        name="major_incident_declare",
    ),
]
