"""Events' addresses, under /events/. Outside checks rely on /events/bookings/{id}/calendar.ics."""

from django.urls import path

from bluelamp.events.web import views_learner as views

app_name = "events"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("sessions/<uuid:session_uuid>/", views.session_detail, name="session"),
    path("sessions/<uuid:session_uuid>/book/", views.session_book, name="session_book"),
    path("bookings/", views.booking_list, name="bookings"),
    path("bookings/<uuid:booking_uuid>/", views.booking_detail, name="booking"),
    path("bookings/<uuid:booking_uuid>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("bookings/<uuid:booking_uuid>/accept/", views.booking_accept, name="booking_accept"),
    path("bookings/<uuid:booking_uuid>/calendar.ics", views.booking_calendar_file, name="booking_calendar"),
]
