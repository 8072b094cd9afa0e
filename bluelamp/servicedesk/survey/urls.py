"""Survey pages, included into the "servicedesk" namespace (no app_name of their own)."""

from django.urls import path

from bluelamp.servicedesk.survey import views

urlpatterns = [
    path("my-tickets/<str:reference>/survey/", views.survey_mine, name="survey_mine"),
    path("survey/<str:token>/", views.survey_link, name="survey_link"),
]
