"""What other domains may use of events and bookings: nothing yet."""

__all__: list[str] = []
