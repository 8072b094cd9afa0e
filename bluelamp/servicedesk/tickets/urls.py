"""Ticket pages, included into the "servicedesk" namespace (no app_name of their own)."""

from django.urls import path

from bluelamp.servicedesk.tickets import views

urlpatterns = [
    path("support/", views.support, name="support"),
    path("support/sent/", views.support_sent, name="support_sent"),
    path("my-tickets/", views.my_tickets, name="my_tickets"),
    path("my-tickets/<str:reference>/", views.my_ticket, name="my_ticket"),
    path(
        "tickets/<str:reference>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("queue/", views.queue, name="queue"),
    path("tickets/<str:reference>/", views.ticket_work, name="ticket"),
    path("tickets/<str:reference>/<slug:action>/", views.ticket_work, name="ticket_action"),
    path("calls/new/", views.contact_new, name="contact_new"),
]
