"""Events' part of /api/v1/, built into the version's URLconf by bluelamp.restapi.urls
(registered by bluelamp/events/rest/plugin.py). Outside checks rely on these exactly:
GET /api/v1/event-sessions/ (id, title, starts_at, capacity, booked, waitlisted), POST
/api/v1/bookings/ with {"session": id} answering {"id", "status", "waitlist_position"}, and
DELETE /api/v1/bookings/{id}/."""

from bluelamp.events.rest import views

routes = [
    ("event-sessions", views.EventSessionViewSet, "event-session"),
    ("bookings", views.BookingViewSet, "booking"),
]

urlpatterns: list = []
