"""The forms of the administrators' pages: an event, a session (its dates as rows of a day and
two times), a venue and its rooms, booking a group, cancelling a session. They check shape (a
choice from the list, a real date, a number); the services decide what is allowed and their
ValidationErrors are shown on these fields (core.forms.add_service_errors)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import forms

from bluelamp.core.forms import (
    TimeInput,
    UKDateField,
    WholeNumberField,
    join_date_time,
    split_date_time,
    text_area,
)
from bluelamp.events.models import Event, EventSession, Room
from bluelamp.events.services import EventInput

DATE_ROWS = 5


def _radios(label: str, choices, what: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Choose {what}",
            "invalid_choice": f"“%(value)s” is not {what}: choose one from the list",
        },
    )


class PoundsField(forms.CharField):
    """An amount of money typed in pounds (“150”, “150.00”, “£150”): pence, or an error naming
    what was typed."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"})

    def to_python(self, value):
        typed = (super().to_python(value) or "").strip().lstrip("£").replace(",", "")
        if not typed:
            return 0
        try:
            amount = Decimal(typed)
        except InvalidOperation:
            raise forms.ValidationError(
                f"“{value}” is not an amount of money: enter pounds, for example 150 or 149.50"
            ) from None
        if amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount > 100_000:
            raise forms.ValidationError(
                f"“{value}” is not a price: enter pounds and pence from 0 to 100,000, for example 149.50"
            )
        return int(amount * 100)


class OwnedForm(forms.Form):
    """A form of something an organisation owns: with more than one organisation to choose from it
    asks which (`owner`), with one it does not; `chosen_owner()` is the answer either way."""

    owner = forms.ChoiceField(
        label="Organisation",
        error_messages={
            "required": "Choose the organisation it belongs to",
            "invalid_choice": "“%(value)s” is not an organisation whose events you run: choose one from the list",
        },
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {str(o.pk): o for o in owners}
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        if len(self.owners) < 2:
            del self.fields["owner"]
        else:
            owner.choices = [("", "Choose an organisation"), *[(pk, o.name) for pk, o in self.owners.items()]]

    def chosen_owner(self):
        if "owner" in self.fields:
            return self.owners[self.cleaned_data["owner"]]
        return next(iter(self.owners.values()))


class EventForm(OwnedForm):
    kind = _radios("Kind of event", Event.Kind.choices, "the kind of event")
    title = forms.CharField(
        label="Title", max_length=200,
        error_messages={"required": "Enter the event's title", "max_length": "A title has at most %(limit_value)d characters: this one has %(show_value)d"},
    )  # fmt: skip
    description = text_area("Description", help_text="What it covers and who it is for: bookers read it.", rows=6,
                            error="Enter what the event is about")  # fmt: skip
    audience = _radios("Who may book", Event.Audience.choices, "who may book")
    course = forms.ChoiceField(
        label="Course it delivers (optional)",
        required=False,
        help_text="Attending completes the course's event activity, so the learner record and mandatory "
        "training update when the register is taken.",
        error_messages={"invalid_choice": "“%(value)s” is not one of your courses: choose one from the list"},
    )
    pricing = _radios("Price", Event.Pricing.choices, "how places are paid for")
    price = PoundsField(
        label="Price of a place before VAT, in pounds", required=False, help_text="For paid places only."
    )
    vat_percent = WholeNumberField(
        label="VAT rate, per cent", what="a VAT rate", accepted="enter a whole number from 0 to 100, for example 20",
        most=100, help_text="Standard rate is 20.",
    )  # fmt: skip
    approval = _radios("Approval", Event.Approval.choices, "whether bookings need approval")
    cancel_cutoff_working_days = WholeNumberField(
        label="Cancellation cut-off, in working days",
        what="a number of working days", accepted="enter a whole number from 0 to 60", most=60,
        help_text="Bookers may cancel until the end of the working day this many working days before the "
        "first date (0: until it starts). After it, only an administrator can, recorded as a late cancellation.",
    )  # fmt: skip

    def __init__(self, *args, owners, courses, **kwargs):
        super().__init__(*args, owners=owners, **kwargs)
        self.courses = {str(c.uuid): c for c in courses}
        course = self.fields["course"]
        assert isinstance(course, forms.ChoiceField)
        course.choices = [("", "None: it stands alone"), *[(k, c.title) for k, c in self.courses.items()]]

    def event_input(self) -> EventInput:
        data = self.cleaned_data
        vat = data.get("vat_percent")
        return EventInput(
            kind=data["kind"], title=data["title"], description=data["description"], audience=data["audience"],
            pricing=data["pricing"], price_pence=data.get("price") or 0, approval=data["approval"],
            cancel_cutoff_working_days=2 if data.get("cancel_cutoff_working_days") is None else data["cancel_cutoff_working_days"],
            course=self.courses.get(data.get("course") or ""),
            vat_basis_points=(20 if vat is None else vat) * 100,
        )  # fmt: skip

    @staticmethod
    def initial_of(event: Event) -> dict:
        return {
            "owner": str(event.owner_id), "kind": event.kind, "title": event.title, "description": event.description,
            "audience": event.audience, "course": str(event.course.uuid) if event.course else "",
            "pricing": event.pricing, "price": f"{event.price_pence / 100:.2f}" if event.price_pence else "",
            "vat_percent": str(event.vat_basis_points // 100), "approval": event.approval,
            "cancel_cutoff_working_days": str(event.cancel_cutoff_working_days),
        }  # fmt: skip


class SessionForm(forms.Form):
    """A session: up to DATE_ROWS dates (a day, a start and an end time each; UK time), places,
    where, trainers and when booking opens and closes."""

    capacity = WholeNumberField(label="Places", what="a number of places", accepted="enter a whole number from 1 to 5,000", most=5000, required=True,
                                error_messages={"required": "Enter the number of places"})  # fmt: skip
    minimum = WholeNumberField(label="Minimum numbers (optional)", what="a number of people", accepted="enter a whole number, or leave it empty", most=5000,
                               help_text="Fewer booked than this a week before, and it may not run.")  # fmt: skip
    room = forms.ChoiceField(
        label="Room", required=False,
        error_messages={"invalid_choice": "“%(value)s” is not one of your venues' rooms: choose one from the list"},
    )  # fmt: skip
    online_url = forms.URLField(
        label="Online link (for a webinar)", required=False, max_length=200, assume_scheme="https",
        help_text="Sent to those booked.",
        error_messages={"invalid": "Enter the link as a web address, like https://meet.example/abc"},
    )  # fmt: skip
    trainers = forms.CharField(
        label="Trainers (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Staff numbers or e-mail addresses, one a line. A trainer booked elsewhere at the time is refused.",
    )  # fmt: skip
    booking_opens = UKDateField(label="Booking opens", what="the day booking opens")
    booking_closes = UKDateField(label="Booking closes", what="the day booking closes")
    booking_closes_time = forms.TimeField(
        label="at (time, UK)", required=False, widget=TimeInput, help_text="For example, 17:00. Empty: 17:00.",
        error_messages={"invalid": "Enter the time booking closes as hours and minutes, for example 17:00"},
    )  # fmt: skip

    def __init__(self, *args, rooms: list[Room], **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms = {str(r.pk): r for r in rooms}
        room = self.fields["room"]
        assert isinstance(room, forms.ChoiceField)
        room.choices = [
            ("", "No room: online"),
            *[(k, f"{r.venue.name}, {r.name} (seats {r.capacity})") for k, r in self.rooms.items()],
        ]
        for n in range(1, DATE_ROWS + 1):
            what = "the first day" if n == 1 else f"day {n}"
            self.fields[f"day_{n}"] = UKDateField(label=f"Day {n}", what=what, required=n == 1, help_text="")
            self.fields[f"start_{n}"] = forms.TimeField(
                label="Starts", required=False, widget=TimeInput,
                error_messages={"invalid": f"Enter when {what} starts as hours and minutes, for example 09:00"},
            )  # fmt: skip
            self.fields[f"end_{n}"] = forms.TimeField(
                label="Ends", required=False, widget=TimeInput,
                error_messages={"invalid": f"Enter when {what} ends as hours and minutes, for example 16:30"},
            )  # fmt: skip

    def date_rows(self):
        return [(self[f"day_{n}"], self[f"start_{n}"], self[f"end_{n}"]) for n in range(1, DATE_ROWS + 1)]

    def clean(self):
        data = super().clean()
        dates = []
        for n in range(1, DATE_ROWS + 1):
            day, start, end = data.get(f"day_{n}"), data.get(f"start_{n}"), data.get(f"end_{n}")
            if day is None:
                if start or end:
                    self.add_error(f"day_{n}", f"Enter the day of the times given in row {n}")
                continue
            if start is None:
                self.add_error(f"start_{n}", f"Enter when day {n} starts, for example 09:00")
                continue
            if end is None:
                self.add_error(f"end_{n}", f"Enter when day {n} ends, for example 16:30")
                continue
            dates.append((join_date_time(day, start, start), join_date_time(day, end, end)))
        data["dates"] = dates
        data["room_obj"] = self.rooms.get(data.get("room") or "")
        return data

    def booking_window(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        opens = join_date_time(data["booking_opens"], None, dt.time(0, 0))
        closes = join_date_time(data["booking_closes"], data.get("booking_closes_time"), dt.time(17, 0))
        assert opens is not None and closes is not None
        return opens, closes

    @staticmethod
    def initial_of(session: EventSession, trainers: str) -> dict:
        initial: dict = {
            "capacity": str(session.capacity), "minimum": str(session.minimum or ""),
            "room": str(session.room_id or ""), "online_url": session.online_url, "trainers": trainers,
        }  # fmt: skip
        opens, _ = split_date_time(session.booking_opens_at)
        closes, closes_time = split_date_time(session.booking_closes_at)
        initial.update(booking_opens=opens, booking_closes=closes, booking_closes_time=closes_time)
        for n, date in enumerate(session.dates.order_by("starts_at"), start=1):
            day, start = split_date_time(date.starts_at)
            _, end = split_date_time(date.ends_at)
            initial.update({f"day_{n}": day, f"start_{n}": start, f"end_{n}": end})
        return initial


class VenueForm(OwnedForm):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the venue's name"}
    )
    address = text_area("Address", rows=4, error="Enter the venue's address")
    accessibility = text_area(
        "Accessibility (optional)", required=False, rows=3,
        help_text="Step-free access, parking, hearing loops: bookers see it.",
    )  # fmt: skip
    active = forms.BooleanField(label="In use (offered for new sessions)", required=False, initial=True)


class RoomForm(forms.Form):
    name = forms.CharField(label="Room", max_length=120, error_messages={"required": "Enter the room's name"})
    capacity = WholeNumberField(label="Seats", what="a number of seats", accepted="enter a whole number from 1 to 5,000", most=5000, required=True,
                                error_messages={"required": "Enter how many the room seats"})  # fmt: skip
    accessibility = forms.CharField(label="Accessibility (optional)", max_length=500, required=False)


class PeopleForm(forms.Form):
    people = forms.CharField(
        label="People to book",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Staff numbers or e-mail addresses, one a line (at most 200). Each gets a place while there "
        "are places, then joins the waiting list.",
        error_messages={"required": "Enter at least one staff number or e-mail address"},
    )

    def typed(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["people"].splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def clean_people(self):
        value = self.cleaned_data["people"]
        count = len([line for line in value.splitlines() if line.strip()])
        if count > 200:
            raise forms.ValidationError(f"Enter at most 200 people at a time: this has {count}")
        return value


class ReasonForm(forms.Form):
    reason = text_area("Why", rows=3, help_text="Those booked read it.", error="Say why")
