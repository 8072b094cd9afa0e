"""Major incident pages and the ticket actions of this package, included into the
"servicedesk" namespace. Ticket actions have three path segments, so that they never meet the
ticket work page's `tickets/<reference>/<action>/`."""

from django.urls import path

from bluelamp.servicedesk.incidents import challenge_views, views

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
    path("tickets/<str:reference>/complaint/resolve/", views.complaint_resolve, name="complaint_resolve"),
    path("tickets/<str:reference>/identity/check/", views.identity_check, name="identity_check"),
    path("tickets/<str:reference>/identity/password-reset/", views.password_reset, name="password_reset"),
    path("tickets/<str:reference>/identity/challenge-code/", views.challenge_code, name="challenge_code"),
    path(
        "tickets/<str:reference>/identity/check-code/",
        challenge_views.check_challenge_code,
        name="challenge_code_check",
    ),
]
