"""Ticket pages, included into the "servicedesk" namespace (no app_name of their own)."""

from django.urls import path

from bluelamp.servicedesk.tickets import priority_hint, queue_views, views

urlpatterns = [
    path("", views.desk_home, name="home"),
    path("support/", views.support, name="support"),
    path("support/sent/", views.support_sent, name="support_sent"),
    path("support/priority/", priority_hint.priority_suggestion, name="priority_suggestion"),
    path("my-tickets/", views.my_tickets, name="my_tickets"),
    path("my-tickets/<str:reference>/", views.my_ticket, name="my_ticket"),
    path(
        "tickets/<str:reference>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("queue/", views.queue, name="queue"),
    path("queue/filters/", queue_views.queue_filter_save, name="queue_filter_save"),
    path("queue/filters/<int:filter_id>/", queue_views.queue_filter_open, name="queue_filter"),
    path(
        "queue/filters/<int:filter_id>/delete/", queue_views.queue_filter_delete, name="queue_filter_delete"
    ),
    path("queue/bulk/", queue_views.queue_bulk, name="queue_bulk"),
    path("canned-responses/", queue_views.canned_list, name="canned_responses"),
    path("canned-responses/<int:response_id>/", queue_views.canned_edit, name="canned_response"),
    path("tickets/<str:reference>/", views.ticket_work, name="ticket"),
    path("tickets/<str:reference>/<slug:action>/", views.ticket_work, name="ticket_action"),
    path("calls/new/", views.contact_new, name="contact_new"),
]
