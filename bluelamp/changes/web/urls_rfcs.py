"""Requests for change, under /changes/ (views_rfcs.py)."""

from django.urls import path

from bluelamp.changes.web import views_rfcs as views

urlpatterns = [
    path("", views.rfc_list, name="rfcs"),
    path("new/", views.rfc_new, name="rfc_new"),
    path("<str:reference>/", views.rfc_detail, name="rfc"),
    path("<str:reference>/problems/", views.rfc_link_problem, name="rfc_link_problem"),
    path("<str:reference>/tickets/", views.rfc_link_ticket, name="rfc_link_ticket"),
    path("<str:reference>/decide/", views.rfc_decide, name="rfc_decide"),
    path("<str:reference>/review/", views.rfc_review, name="rfc_review"),
]
