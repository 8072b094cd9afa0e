"""Workshops, webinars, classroom courses and assessment days: their sessions (one or several
dates each), where they happen, who trains, and the places people book on them.

Written only through services.py and booking.py; read through selectors.py. An event belongs to
the organisation that runs it (a force, or the national body for national workshops); its
bookings are of people who may come from any organisation its audience admits.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

__all__ = [
    "Booking", "Event", "EventSession", "Feedback", "NumberSequence", "Payment", "PaymentEvent", "PaymentRefund",
    "Reservation", "Room", "SessionDate", "Venue",
]  # fmt: skip


class Venue(models.Model):
    """A place an organisation runs training: its address and how to reach it.

    Personal data: none."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    address = models.TextField()
    accessibility = models.TextField(blank=True, help_text="Step-free access, parking, hearing loops.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="venue_name_unique_per_owner")]

    def __str__(self) -> str:
        return self.name


class Room(models.Model):
    """A room of a venue, with how many it seats.

    Personal data: none."""

    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=120)
    capacity = models.PositiveIntegerField()
    accessibility = models.TextField(blank=True)

    class Meta:
        ordering = ["venue__name", "name"]
        constraints = [models.UniqueConstraint(fields=["venue", "name"], name="room_name_unique_per_venue")]

    def __str__(self) -> str:
        return f"{self.venue.name}, {self.name}"


class Event(models.Model):
    """Something people book a place on: a workshop, a webinar, a classroom course or an
    assessment day, standing alone or delivering a course (attending completes its event activity)
    or a programme. Who may book (its audience), what a place costs, whether bookings need
    approval, and how late a booker may cancel (in working days) are the event's; the dates,
    places and trainers are its sessions'.

    Personal data: who made it (staff)."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", "Workshop"
        WEBINAR = "webinar", "Webinar"
        CLASSROOM = "classroom", "Classroom course"
        ASSESSMENT_DAY = "assessment_day", "Assessment day"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"

    class Audience(models.TextChoices):
        ORGANISATION = "organisation", "People of the organisation running it"
        LICENSED = "licensed", "People of every licensed organisation"

    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        PER_PLACE = "per_place", "Paid per place (card, or invoice to the force)"
        FORCE = "force", "Charged to the booker's force (invoiced monthly)"

    class Approval(models.TextChoices):
        NONE = "none", "No approval: booking confirms the place"
        MANAGER = "manager", "The booker's line manager approves"
        MANAGER_THEN_ADMIN = "manager_then_admin", "The line manager, then a training administrator"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    course = models.ForeignKey(
        "learning.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.ORGANISATION)
    pricing = models.CharField(max_length=10, choices=Pricing.choices, default=Pricing.FREE)
    price_pence = models.PositiveIntegerField(default=0, help_text="A place's price before VAT, in pence.")
    vat_basis_points = models.PositiveIntegerField(default=2000, help_text="VAT rate: 2000 is 20%.")
    approval = models.CharField(max_length=20, choices=Approval.choices, default=Approval.NONE)
    cancel_cutoff_working_days = models.PositiveSmallIntegerField(
        default=2, help_text="A booker may cancel until this many working days before the first date."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class EventSession(models.Model):
    """One run of an event: its dates (SessionDate), room or online link, trainers, capacity and
    minimum numbers, and when booking opens and closes. `booked` and `waitlisted` count the places
    taken and the people waiting, kept by booking.py in the same transaction as each booking, so
    that capacity holds under any number of people booking at once; `waitlist_last` numbers the
    waiting list in arrival order.

    Personal data: its trainers (staff)."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    capacity = models.PositiveIntegerField()
    minimum = models.PositiveIntegerField(default=0, help_text="Fewer booked than this, and it may not run.")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    online_url = models.URLField(blank=True, help_text="The webinar's address, sent to those booked.")
    trainers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    booking_opens_at = models.DateTimeField()
    booking_closes_at = models.DateTimeField()
    # The first date's start and the last date's end (kept from SessionDate by services.py).
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    booked = models.PositiveIntegerField(default=0)
    waitlisted = models.PositiveIntegerField(default=0)
    waitlist_last = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_session_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="session_not_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.title}, {self.starts_at:%Y-%m-%d}"


class SessionDate(models.Model):
    """One day (or part of one) of a session: a two-day course has two.

    Personal data: none."""

    session = models.ForeignKey(EventSession, on_delete=models.CASCADE, related_name="dates")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_date_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at.isoformat()} to {self.ends_at.isoformat()}"


class Booking(models.Model):
    """A person's place on a session, or their place in its queue: booked, waiting (in arrival
    order), offered a freed place, awaiting approval (the line manager's, then for two-stage
    approval an administrator's: `approval_stage`) or payment, or cancelled. An offer and a place
    awaiting approval or payment are held until `expires_at`, then pass to the next waiting. Its calendar invitation keeps one UID and a SEQUENCE that rises with every change.
    After the session, the register says whether they came.

    Personal data: the person booked, who booked them, who cancelled and why, attendance."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITLISTED = "waitlisted", "On the waiting list"
        OFFERED = "offered", "Offered a place"
        PENDING_APPROVAL = "pending_approval", "Awaiting approval"
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        CANCELLED = "cancelled", "Cancelled"

    class Attendance(models.TextChoices):
        ATTENDED = "attended", "Attended"
        PARTIAL = "partial", "Partly attended"
        NO_SHOW = "no_show", "Did not attend"
        LATE_CANCEL = "late_cancel", "Cancelled late"

    class ApprovalStage(models.TextChoices):
        MANAGER = "manager", "The line manager"
        ADMIN = "admin", "A training administrator"

    # Statuses that hold one of the session's places.
    HOLDING = (Status.BOOKED, Status.OFFERED, Status.PENDING_APPROVAL, Status.PENDING_PAYMENT)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(EventSession, on_delete=models.PROTECT, related_name="bookings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    waitlist_number = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    approval_stage = models.CharField(max_length=10, choices=ApprovalStage.choices, blank=True)
    reservation = models.ForeignKey(
        "Reservation", null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    reminded_week_at = models.DateTimeField(null=True, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)
    ics_sequence = models.PositiveIntegerField(default=0)
    attendance = models.CharField(max_length=12, choices=Attendance.choices, blank=True)
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["session", "status", "waitlist_number"], name="booking_queue"),
            models.Index(fields=["status", "expires_at"], name="booking_holds_expiring"),
        ]
        constraints = [
            # One live booking per person per session (a cancelled one may be booked again).
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=~Q(status="cancelled"),
                name="booking_one_live_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.session_id}: {self.status}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING


class Reservation(models.Model):
    """Places a line manager keeps on a session for their team before naming who takes them.
    The places count as taken (the session's `booked`) from the moment they are reserved; naming
    someone turns one into their booking; what is not named by `release_at` (or is released
    earlier) goes back to the session and is offered to the waiting list.

    Personal data: the manager who reserved."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(EventSession, on_delete=models.PROTECT, related_name="reservations")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    places = models.PositiveIntegerField()
    unnamed = models.PositiveIntegerField(help_text="Places still to be given to someone.")
    release_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unnamed__lte=models.F("places")), name="reservation_unnamed_within_places"
            )
        ]

    def __str__(self) -> str:
        return f"{self.places} places on {self.session_id} for {self.manager_id}"


class Feedback(models.Model):
    """What someone who attended thought of a session: a rating out of 5, whether they would
    recommend it, and what they wrote. Shown to the event's administrators and trainers as
    results per event and per trainer, never with the person's name outside the event's
    administrators.

    Personal data: the booking's person (through the booking) and what they wrote."""

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField()
    would_recommend = models.BooleanField()
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5 on {self.booking_id}"


class Payment(models.Model):
    """How a paid place (priced per place) is paid: by card through the payment gateway (a
    PaymentIntent: pending until it succeeds, then paid; refunded in full or in part), or by
    invoice to the person's force against a purchase order. Amounts are in pence: `amount_pence`
    before VAT, `vat_pence`, and `total_pence` charged. An invoice has a number from its year's
    sequence (EV-2027-000001); a card payment's receipt uses the same numbering once paid.

    Personal data: the booking's person (through the booking), the purchase order number."""

    class Method(models.TextChoices):
        CARD = "card", "Card"
        INVOICE = "invoice", "Invoice to the force (purchase order)"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting payment"
        PAID = "paid", "Paid"
        INVOICED = "invoiced", "Invoiced"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        PART_REFUNDED = "part_refunded", "Partly refunded"
        CREDITED = "credited", "Invoice cancelled (credit note)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=10, choices=Method.choices)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    amount_pence = models.PositiveIntegerField()
    vat_pence = models.PositiveIntegerField()
    total_pence = models.PositiveIntegerField()
    vat_basis_points = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="gbp")
    intent_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    po_number = models.CharField(max_length=60, blank=True)
    payer = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    refunded_pence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True, help_text="Refunded, credited or cancelled.")
    failure = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_pence__lte=models.F("total_pence")), name="payment_refund_within_total"
            ),
            # One live payment per booking: a second click or a retry finds the first.
            models.UniqueConstraint(
                fields=["booking"],
                condition=Q(status__in=["pending", "paid", "invoiced", "part_refunded"]),
                name="payment_one_live_per_booking",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.uuid}: {self.total_pence}p {self.status}"


class PaymentRefund(models.Model):
    """Money given back on a card payment, as the gateway confirmed it.

    Personal data: who gave it (staff) and why."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_pence = models.PositiveIntegerField()
    gateway_refund_id = models.CharField(max_length=255, unique=True)
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.amount_pence}p back on {self.payment_id}"


class PaymentEvent(models.Model):
    """A webhook event from the payment gateway, kept by its id: a replay or a duplicate delivery
    finds it and changes nothing.

    Personal data: none (the event's id, type and what was done)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class NumberSequence(models.Model):
    """The last invoice/receipt number given in a year (EV-<year>-<n>), taken under a row lock.

    Personal data: none."""

    year = models.PositiveIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
