"""Problem pages, included into the "servicedesk" namespace (no app_name of their own)."""

from django.urls import path

from bluelamp.servicedesk.problems import views

urlpatterns = [
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_new, name="problem_new"),
    path("problems/<str:reference>/", views.problem_detail, name="problem"),
    path("problems/<str:reference>/<slug:action>/", views.problem_detail, name="problem_action"),
    path("tickets/<str:reference>/link-problem/", views.ticket_link_problem, name="ticket_link_problem"),
]
