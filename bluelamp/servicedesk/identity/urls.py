"""Identity checks, password resets and challenge codes on a ticket, included into the
"servicedesk" namespace. Three path segments each, so that they never meet the ticket work
page's `tickets/<reference>/<action>/`."""

from django.urls import path

from bluelamp.servicedesk.identity import views

urlpatterns = [
    path("tickets/<str:reference>/identity/check/", views.identity_check, name="identity_check"),
    path("tickets/<str:reference>/identity/password-reset/", views.password_reset, name="password_reset"),
    path("tickets/<str:reference>/identity/challenge-code/", views.challenge_code, name="challenge_code"),
    path(
        "tickets/<str:reference>/identity/check-code/",
        views.check_challenge_code,
        name="challenge_code_check",
    ),
]
