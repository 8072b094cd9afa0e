"""Tickets: their categories, their timeline and attachments, the phone calls advisers take,
and the tools for working the queue (canned responses, saved queue filters).

Written only through bluelamp.servicedesk.tickets.services; read through tickets.selectors.
Django finds these through bluelamp.servicedesk.models (app label "servicedesk", tables
servicedesk_<model>). (The days the desk is unexpectedly closed are working time's extra
closures: bluelamp.workingtime.)
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from bluelamp.servicedesk.sla import Priority

__all__ = [
    "Attachment",
    "CannedResponse",
    "Category",
    "Contact",
    "SavedQueueFilter",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
]

# --- Tickets ------------------------------------------------------------------------------------


class Category(models.Model):
    """What a ticket is about ("Signing in", "Course content"), for routing and KPI trends.

    A table rather than choices: categories are added and retired (in Django admin, for now) as
    the service changes, without a release; old tickets keep theirs (retired ones leave the forms).

    Personal data: none.
    """

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True, help_text="Shown as the hint on forms.")
    is_active = models.BooleanField(default=True, help_text="Offered on forms.")
    position = models.PositiveSmallIntegerField(default=100, help_text="Order on forms, lowest first.")

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class TicketCounter(models.Model):
    """The last ticket number issued in a year (references are BL-<year>-<number>).

    Personal data: none.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


# Not resolved or closed (the queue's default view); the same list, in the same order, as
# tickets.selectors.ACTIVE_STATUSES, so that PostgreSQL matches the partial indexes below.
_ACTIVE = ["new", "open", "awaiting_customer", "awaiting_third_party", "reopened"]


class Ticket(models.Model):
    """A request to the service desk: an incident, a service request, an enquiry or a complaint.

    Personal data: the requester (a person, or the name and e-mail address given by a member of
    the public or a caller), their organisation, the assignee, and whatever the subject and
    description say (free text may hold anything the requester wrote).
    """

    class Type(models.TextChoices):
        INCIDENT = "incident", "Incident (something is not working)"
        SERVICE_REQUEST = "service_request", "Service request (asking for something)"
        PROBLEM = "problem", "Problem (the cause of incidents)"
        GENERAL_ENQUIRY = "general_enquiry", "General enquiry"
        COMPLAINT = "complaint", "Complaint"

    class Channel(models.TextChoices):
        WEB = "web", "Web"
        EMAIL = "email", "E-mail"
        PHONE = "phone", "Phone"

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        AWAITING_CUSTOMER = "awaiting_customer", "Awaiting customer"
        AWAITING_THIRD_PARTY = "awaiting_third_party", "Awaiting third party"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"

    class Tier(models.TextChoices):
        # In escalation order (tickets.services.TIER_ORDER relies on it).
        FIRST_LINE = "first_line", "1st line: contact centre"
        SECOND_LINE = "second_line", "2nd line: application operations"
        SENIOR = "senior", "Senior application operations"
        LEAD = "lead", "Lead application operations"
        SERVICE_MANAGER = "service_manager", "IT service manager"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="BL-<year>-<number>; threads e-mail.")
    type = models.CharField(max_length=20, choices=Type.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # As given when the ticket was logged (kept if the person's record later changes).
    requester_name = models.CharField(max_length=200)
    requester_email = models.EmailField(blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    impact = models.CharField(max_length=20, blank=True)
    urgency = models.CharField(max_length=20, blank=True)
    suggested_priority = models.CharField(max_length=2, choices=Priority.choices, blank=True)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    priority_reason = models.TextField(blank=True, help_text="Why an adviser chose another priority.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    tier = models.CharField(max_length=20, choices=Tier.choices, default=Tier.FIRST_LINE)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    description = models.TextField()
    created_at = models.DateTimeField(help_text="When the ticket was logged: the SLA clocks count from here.")
    first_response_at = models.DateTimeField(null=True, blank=True)
    # Stored for the queue, breach warnings and KPIs; always recomputed from the ticket's history.
    response_due = models.DateTimeField(db_index=True)
    # None for P4 (planned work) and while the clock is paused.
    resolution_due = models.DateTimeField(null=True, blank=True, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(db_index=True)
    # SLA monitoring (tickets.monitoring). When 75 % of the resolution budget will
    # have gone (working time, pauses excluded; recomputed with the due times), and when each
    # notice went out: each is sent once per target, and a priority change that moves the target
    # clears them. Review due is not stored: it is last_activity_at 5 working days ago or more.
    resolution_warn_at = models.DateTimeField(null=True, blank=True)
    resolution_warned_at = models.DateTimeField(null=True, blank=True)
    resolution_breach_notified_at = models.DateTimeField(null=True, blank=True)
    response_breach_notified_at = models.DateTimeField(null=True, blank=True)
    # The last "review due" notice; a later last_activity_at starts a new idle spell.
    review_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # What the monitoring task looks for, each kept small by its condition.
            models.Index(
                fields=["resolution_warn_at"],
                condition=models.Q(resolution_warned_at__isnull=True),
                name="ticket_warn_pending",
            ),
            models.Index(
                fields=["resolution_due"],
                condition=models.Q(resolution_breach_notified_at__isnull=True),
                name="ticket_breach_pending",
            ),
            models.Index(
                fields=["response_due"],
                condition=models.Q(first_response_at__isnull=True, response_breach_notified_at__isnull=True),
                name="ticket_response_pending",
            ),
            models.Index(fields=["status", "resolved_at"], name="ticket_status_resolved"),
            models.Index(fields=["tier", "status"], name="ticket_tier_status"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee_status"),
            models.Index(fields=["requester", "-created_at"], name="ticket_requester"),
            models.Index(fields=["organisation", "-created_at"], name="ticket_organisation"),
            # The staff queue (tickets.selectors.ticket_queue): its order, over active tickets
            # (the default view, alone or by tier) and over all (see docs/performance.md).
            models.Index(
                fields=["priority", "resolution_due", "response_due", "created_at", "id"],
                condition=models.Q(status__in=_ACTIVE),
                name="ticket_queue_active",
            ),
            models.Index(
                fields=["tier", "priority", "resolution_due", "response_due", "created_at", "id"],
                condition=models.Q(status__in=_ACTIVE),
                name="ticket_queue_tier_active",
            ),
            models.Index(
                fields=["priority", "resolution_due", "response_due", "created_at", "id"],
                name="ticket_queue_order",
            ),
            # Full-text search has a GIN index too, on PostgreSQL only: see migration 0006.
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.subject}"

    @property
    def is_active(self) -> bool:
        return self.status not in (self.Status.RESOLVED, self.Status.CLOSED)


class TicketEvent(models.Model):
    """One entry in a ticket's timeline: a reply, a note, or a change with who, when and why.

    Personal data: the author (or the sender's name and e-mail address for a reply by e-mail),
    and the body, which may hold anything the author wrote.
    """

    class Kind(models.TextChoices):
        CREATED = "created", "Logged"
        REPLY = "reply", "Reply to the requester"
        CUSTOMER_REPLY = "customer_reply", "Reply from the requester"
        NOTE = "note", "Internal note"
        STATUS = "status", "Status changed"
        PRIORITY = "priority", "Priority changed"
        ESCALATION = "escalation", "Escalated"
        DEESCALATION = "deescalation", "De-escalated"
        ASSIGNMENT = "assignment", "Assigned"
        TYPE = "type", "Type changed"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public (the requester sees it)"
        INTERNAL = "internal", "Internal (staff only)"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # For changes: the old and new value (status, priority, tier, assignee's name) and why.
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(fields=["ticket", "at"], name="ticket_event_timeline"),
            # Full-text search of replies and notes: PostgreSQL only, see migration 0006.
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} at {self.at.isoformat()}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


def _attachment_path(instance, filename: str) -> str:
    # A random directory: names are never guessable, and two "screenshot.png" never collide.
    return f"servicedesk/attachments/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A file sent with a ticket or one of its replies or notes (kept in Django's storage).

    Personal data: whatever the file holds (screenshots, letters), and who uploaded it.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(max_length=200, help_text="The file's name as uploaded.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A phone call an adviser took: who called, when, what came of it, and the ticket it was
    logged as (new or existing), or why it was not logged (KPIs count contacts logged as tickets).

    Personal data: the caller's name, phone number and e-mail address, their person record if
    known, the adviser, and the outcome as the adviser wrote it.
    """

    caller_name = models.CharField(max_length=200)
    caller_phone = models.CharField(max_length=40, blank=True)
    caller_email = models.EmailField(blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    outcome = models.TextField()
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    created_ticket = models.BooleanField(default=False, help_text="The call raised a new ticket.")
    not_logged_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["adviser", "at"], name="contact_adviser_at")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(ticket__isnull=False) & models.Q(not_logged_reason=""))
                | (models.Q(ticket__isnull=True) & ~models.Q(not_logged_reason="")),
                name="contact_logged_or_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Call from {self.caller_name} at {self.at.isoformat()}"


# --- Working the queue faster --------------------------------------------------------------------


class CannedResponse(models.Model):
    """A reply an adviser can start from, with placeholders filled in from the ticket.

    Shared ones (no owner) are for the whole desk; personal ones only for their owner.

    Personal data: the owner (for personal responses), who last changed it, and whatever the
    text says (it should hold no one's personal data: the placeholders bring that in).
    """

    PLACEHOLDERS = {
        "requester_first_name": "The requester's first name (or their name as given)",
        "requester_name": "The requester's full name as given",
        "reference": "The ticket's reference, e.g. BL-2026-000123",
        "subject": "The ticket's subject",
        "adviser_name": "Your name",
    }

    title = models.CharField(max_length=100)
    body = models.TextField(help_text="Placeholders: {requester_first_name}, {reference}, {adviser_name}, …")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Empty: shared with the whole desk.",
    )
    is_active = models.BooleanField(default=True, help_text="Offered on the ticket page.")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        indexes = [models.Index(fields=["owner", "is_active"], name="canned_owner_active")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class SavedQueueFilter(models.Model):
    """A staff member's named queue filter (the query string of the queue page). Personal.

    Personal data: the owner, and the filter's name and search words as they typed them.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=500, blank=True, help_text="The queue's query string.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_filter_owner_name_unique")
        ]

    def __str__(self) -> str:
        return self.name
