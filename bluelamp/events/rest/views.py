"""Events in /api/v1/: the sessions the caller may book, and the caller's bookings — book a place
(or the waiting list), read one, cancel it. Scoped by the domain's access helpers, as its pages
are; anything else is "not found"."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from bluelamp.core.rest import ScopedViewSet, StrictSerializer, refused, service_errors
from bluelamp.events import booking as booking_service
from bluelamp.events import selectors
from bluelamp.events.models import Booking, EventSession


def now():
    """The API's clock (tests set it)."""
    return timezone.now()


class EventSessionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField(source="event.title")
    kind = serializers.CharField(source="event.kind")
    organisation = serializers.SlugRelatedField(source="event.owner", slug_field="slug", read_only=True)
    venue = serializers.SerializerMethodField()

    class Meta:
        model = EventSession
        fields = ["id", "title", "kind", "organisation", "starts_at", "ends_at", "capacity", "booked", "waitlisted",
                  "booking_opens_at", "booking_closes_at", "venue", "online_url"]  # fmt: skip

    def get_venue(self, session) -> str | None:
        return str(session.room) if session.room_id else None


class BookingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid")
    session = serializers.UUIDField(source="session.uuid")
    waitlist_position = serializers.SerializerMethodField()
    calendar = serializers.SerializerMethodField(help_text="The booking's current calendar invitation (ICS)")

    class Meta:
        model = Booking
        fields = ["id", "session", "status", "waitlist_position", "expires_at", "calendar"]

    def get_waitlist_position(self, booking) -> int | None:
        return booking_service.waitlist_position(booking)

    def get_calendar(self, booking) -> str:
        return f"/events/bookings/{booking.uuid}/calendar.ics"


class BookingCreateSerializer(StrictSerializer):
    session = serializers.UUIDField(help_text="The session's id, from /api/v1/event-sessions/")


@extend_schema_view(
    list=extend_schema(summary="Sessions you may book, soonest first"),
    retrieve=extend_schema(summary="A session you may book"),
)
class EventSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = EventSessionSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"

    def get_queryset(self):
        if self.fake():
            return EventSession.objects.none()
        return selectors.bookable_sessions(self.request.user).filter(booking_closes_at__gt=now())

    def get_object(self):
        return selectors.access_bookable_session(self.request.user, self.kwargs["uuid"])


@extend_schema_view(
    list=extend_schema(summary="Your bookings, latest first"),
    retrieve=extend_schema(summary="One of your bookings"),
    create=extend_schema(
        summary="Book yourself a place (or a place on the waiting list)",
        request=BookingCreateSerializer,
        responses={201: BookingSerializer},
    ),
    destroy=extend_schema(
        summary="Cancel your booking", responses={204: OpenApiResponse(description="Cancelled")}
    ),
)
class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = BookingSerializer
    lookup_field = "uuid"
    lookup_value_regex = "[0-9a-fA-F-]{32,36}"
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if self.fake():
            return Booking.objects.none()
        return (
            Booking.objects.filter(person=self.request.user)
            .select_related("session")
            .order_by("-created_at", "-pk")
        )

    def get_object(self):
        booking = selectors.access_booking(self.request.user, self.kwargs["uuid"])
        if booking.person_id != self.request.user.pk:
            raise Http404("No such booking")
        return booking

    def create(self, request, *args, **kwargs):
        data = BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            session = selectors.access_session_to_book(request.user, data.validated_data["session"])
        except Http404:
            raise refused(
                "session",
                f"There is no session {data.validated_data['session']} that you may book. Give the id of a "
                "session from /api/v1/event-sessions/.",
            ) from None
        with service_errors():
            booking = booking_service.book(actor=request.user, session=session, person=request.user, at=now())
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        booking = self.get_object()
        with service_errors():
            booking_service.cancel(actor=request.user, booking=booking, at=now())
        return Response(status=status.HTTP_204_NO_CONTENT)
