"""Ticket forms. They check shape only; the services decide what is allowed."""

from functools import partial

from django import forms

from bluelamp.core.forms import text_area
from bluelamp.servicedesk.sla import Impact, Priority, Urgency
from bluelamp.servicedesk.tickets.attachments import ACCEPTED_TEXT
from bluelamp.servicedesk.tickets.models import Category, Ticket

# Problems are raised by the desk, not by requesters.
REQUESTER_TYPES = [(v, label) for v, label in Ticket.Type.choices if v != Ticket.Type.PROBLEM]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files (the service checks their number, size and type)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Attachments (optional)")
        kwargs.setdefault("help_text", f"{ACCEPTED_TEXT}. Up to 5 files.")
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        single = super().clean
        return (
            [single(item, initial) for item in data]
            if isinstance(data, list | tuple)
            else [single(data, initial)]
        )


def _text(label, *, help_text="", max_length=200, required=True, error=None, **kwargs):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        error_messages={"required": error or f"Enter {label.lower()}"},
        **kwargs,
    )


_area = partial(text_area, rows=6)


class SupportForm(forms.Form):
    """Raising a ticket, signed in."""

    type = forms.ChoiceField(
        label="What do you need?",
        choices=REQUESTER_TYPES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you need"},
    )
    category = forms.ModelChoiceField(
        label="What is it about?",
        queryset=Category.objects.none(),
        empty_label="Choose a topic",
        error_messages={
            "required": "Choose what it is about",
            "invalid_choice": "Choose a topic from the list",
        },
    )
    subject = _text(
        "Subject",
        help_text="A few words, for example “Course will not open on my laptop”",
        error="Enter a subject",
    )
    description = _area(
        "Details",
        help_text="What happened, what you expected, and any error message. Do not include passwords.",
        error="Enter the details",
    )
    impact = forms.ChoiceField(
        label="Who is affected?",
        choices=Impact.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who is affected"},
    )
    urgency = forms.ChoiceField(
        label="How much does it stop work?",
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much it stops work"},
    )
    attachments = MultipleFileField()

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class PublicEnquiryForm(forms.Form):
    """A general enquiry from someone not signed in."""

    name = _text("Your name", error="Enter your name")
    email = forms.EmailField(
        label="Your e-mail address",
        help_text="We will reply to this address",
        error_messages={
            "required": "Enter your e-mail address",
            "invalid": "Enter an e-mail address like name@example.org",
        },
    )
    subject = _text("Subject", error="Enter a subject")
    description = _area("Your question", error="Enter your question")


class ReplyForm(forms.Form):
    body = _area("Your reply", error="Enter your reply")
    attachments = MultipleFileField()


class StaffReplyForm(ReplyForm):
    body = _area(
        "Reply to the requester",
        help_text="E-mailed to the requester and shown to them.",
        error="Enter your reply",
    )
    await_customer = forms.BooleanField(
        label="Wait for their answer (status “awaiting customer”: the resolution clock pauses)",
        required=False,
    )


class NoteForm(forms.Form):
    body = _area(
        "Internal note", help_text="Staff only: never shown or sent to the requester.", error="Enter the note"
    )
    attachments = MultipleFileField()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="New status", choices=[c for c in Ticket.Status.choices if c[0] != "new"]
    )
    reason = _text("Reason", required=False, max_length=2000, help_text="Needed to reopen a ticket")


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label="New priority", choices=Priority.choices)
    reason = _text("Reason for the change", max_length=2000, error="Enter the reason for the change")


class TypeForm(forms.Form):
    type = forms.ChoiceField(label="New type", choices=Ticket.Type.choices)
    reason = _text(
        "Reason for the change",
        max_length=2000,
        help_text="For example “The requester is complaining about how their request was handled”",
        error="Enter the reason for changing the type",
    )


class TierForm(forms.Form):
    """Escalate or de-escalate: which way is the button pressed (`direction`, up or down)."""

    reason = _text(
        "Reason",
        max_length=2000,
        help_text="Why the ticket moves to another tier",
        error="Enter the reason for escalating or de-escalating",
    )


class AssignForm(forms.Form):
    """`staff`: (id, full name) of everyone who may be assigned (staff.desk_staff_choices)."""

    assignee = forms.TypedChoiceField(label="Assign to", coerce=int, empty_value=None, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody (the tier's queue)"), *staff]


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="A reference, or words in the subject, details, replies or notes",
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Active"), ("all", "All")] + list(Ticket.Status.choices)
    )
    priority = forms.ChoiceField(
        label="Priority", required=False, choices=[("", "Any")] + list(Priority.choices)
    )
    tier = forms.ChoiceField(label="Tier", required=False, choices=[("", "Any")] + list(Ticket.Tier.choices))
    mine = forms.BooleanField(label="Only tickets assigned to me", required=False)
    review_due = forms.BooleanField(
        label="Only tickets due a review (no update for 5 working days)", required=False
    )


class SavedFilterForm(forms.Form):
    name = _text("Name for this filter", max_length=100, error="Enter a name for the filter")


class CannedResponseForm(forms.Form):
    title = _text("Title", max_length=100, error="Enter a title")
    body = _area(
        "Text",
        help_text="Placeholders: {requester_first_name}, {requester_name}, {reference}, {subject}, {adviser_name}",
        error="Enter the text",
    )
    shared = forms.BooleanField(
        label="Shared with the whole desk (otherwise only you see it)", required=False
    )
    is_active = forms.BooleanField(label="Offered on ticket pages", required=False, initial=True)


BULK_ACTIONS = [
    ("assign", "Assign to"),
    ("escalate", "Escalate one tier (with a reason)"),
    ("status", "Set status"),
]


class BulkForm(forms.Form):
    """`staff`: (id, full name) of everyone who may be assigned (staff.desk_staff_choices)."""

    tickets = forms.MultipleChoiceField(
        label="Tickets", error_messages={"required": "Choose at least one ticket"}
    )
    action = forms.ChoiceField(
        label="Action", choices=BULK_ACTIONS, error_messages={"required": "Choose an action"}
    )
    assignee = forms.TypedChoiceField(label="Assign to", coerce=int, empty_value=None, required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Choose")] + [c for c in Ticket.Status.choices if c[0] != "new"],
    )
    reason = _text("Reason", required=False, max_length=2000, help_text="Needed to escalate or reopen")

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody (the tier's queue)"), *staff]
        # Any reference: the service reports those that do not exist, one by one.
        data = args[0] if args else None
        self.fields["tickets"].choices = [(r, r) for r in (data.getlist("tickets") if data else [])]


LOGGED_AS = [
    ("new", "Raise a new ticket"),
    ("existing", "Add it to an existing ticket"),
    ("not_logged", "Do not log it as a ticket"),
]


class ContactForm(forms.Form):
    """Logging a phone call."""

    caller_name = _text("Caller's name", error="Enter the caller's name")
    caller_phone = _text("Caller's phone number", required=False, max_length=40)
    caller_email = forms.EmailField(
        label="Caller's e-mail address",
        required=False,
        help_text="Acknowledgements and replies go here",
        error_messages={"invalid": "Enter an e-mail address like name@example.org"},
    )
    person_email = forms.EmailField(
        label="Their Bluelamp account (e-mail address), if they have one",
        required=False,
        help_text="Links the ticket to their account, so they see it under My tickets",
        error_messages={"invalid": "Enter an e-mail address like name@example.org"},
    )
    outcome = _area("Outcome of the call", error="Enter the outcome of the call")
    logged_as = forms.ChoiceField(
        label="Log the call as",
        choices=LOGGED_AS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to log the call"},
    )
    reference = _text(
        "Existing ticket reference",
        required=False,
        max_length=20,
        help_text="For an existing ticket, for example BL-2026-000123",
    )
    not_logged_reason = _text(
        "Why it is not logged",
        required=False,
        max_length=2000,
        help_text="If not logged as a ticket, for example “Wrong number”",
    )
    type = forms.ChoiceField(label="Ticket type", choices=Ticket.Type.choices, required=False)
    category = forms.ModelChoiceField(
        label="Category", queryset=Category.objects.none(), required=False, empty_label="Choose a category"
    )
    subject = _text("Subject", required=False)
    description = _area("Details", required=False)
    impact = forms.ChoiceField(
        label="Who is affected?", choices=[("", "Choose")] + list(Impact.choices), required=False
    )
    urgency = forms.ChoiceField(
        label="How much does it stop work?", choices=[("", "Choose")] + list(Urgency.choices), required=False
    )
    priority = forms.ChoiceField(
        label="Priority",
        choices=[("", "As suggested by impact and urgency")] + list(Priority.choices),
        required=False,
    )
    priority_reason = _text("Reason for another priority than suggested", required=False, max_length=2000)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

    def clean(self):
        data = super().clean()
        how = data.get("logged_as")
        if how == "existing" and not data.get("reference"):
            self.add_error("reference", "Enter the reference of the existing ticket")
        elif how == "not_logged" and not data.get("not_logged_reason"):
            self.add_error("not_logged_reason", "Enter why the call is not logged as a ticket")
        elif how == "new":
            for name, message in [
                ("type", "Choose the ticket type"),
                ("subject", "Enter the subject"),
                ("description", "Enter the details"),
                ("impact", "Choose who is affected"),
                ("urgency", "Choose how much it stops work"),
            ]:
                if not data.get(name):
                    self.add_error(name, message)
        return data
