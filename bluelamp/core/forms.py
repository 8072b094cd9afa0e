"""Rendering Django forms with GOV.UK Frontend macros (see templates/includes/forms.html)."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from bluelamp.core.timefmt import LONDON, london


class DateInput(forms.DateInput):
    """A date box the browser may offer a date picker for (ISO value, as browsers send it)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    """A time box (24-hour "HH:MM"), beside a DateInput where a date and a time are asked."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def join_date_time(day: dt.date | None, time: dt.time | None, default: dt.time) -> dt.datetime | None:
    """An aware datetime from a UK date and time typed in a DateInput and a TimeInput (`default`
    when the time is left empty); None without a date."""
    if day is None:
        return None
    return dt.datetime.combine(day, time or default).replace(tzinfo=LONDON)


def split_date_time(value: dt.datetime | None) -> tuple[dt.date | None, str]:
    """A stored datetime as the UK date and "HH:MM" the two boxes show."""
    if value is None:
        return None, ""
    local = london(value)
    return local.date(), f"{local:%H:%M}"


def text_area(label, *, help_text="", required=True, error=None, rows=4) -> forms.CharField:
    """A multi-line text field with a GOV.UK-worded "Enter …" error when it is required and empty."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": error or f"Enter {label.lower()}"},
    )


def form_error_list(form) -> list[dict]:
    """Errors for the GOV.UK error summary, each linking to its field."""
    items = []
    for message in form.non_field_errors():
        items.append({"text": message, "href": "#main-content"})
    for name in form.fields:
        bound = form[name]
        for message in bound.errors:
            items.append({"text": message, "href": f"#{_field_id(bound)}"})
    return items


def _field_id(bound) -> str:
    return bound.auto_id or f"id_{bound.name}"


def field_params(bound, **extra) -> dict:
    """Parameters for the GOV.UK macro that suits this field, plus which macro to use."""
    field = bound.field
    widget = field.widget
    params: dict = {
        "id": _field_id(bound),
        "name": bound.html_name,
        "label": {"text": bound.label},
        "hint": {"text": str(field.help_text)} if field.help_text else None,
        "errorMessage": {"text": " ".join(bound.errors)} if bound.errors else None,
    }
    value = bound.value()
    if isinstance(widget, forms.CheckboxSelectMultiple):
        chosen = {str(v) for v in (value or [])}
        params.update(
            kind="checkboxes",
            idPrefix=params.pop("id"),
            fieldset={"legend": {"text": bound.label, "classes": "govuk-fieldset__legend--s"}},
            items=[{"value": v, "text": str(t), "checked": str(v) in chosen} for v, t in field.choices],
        )
        params.pop("label")
    elif isinstance(widget, forms.RadioSelect):
        params.update(
            kind="radios",
            idPrefix=params.pop("id"),
            fieldset={"legend": {"text": bound.label, "classes": "govuk-fieldset__legend--s"}},
            items=[{"value": v, "text": str(t), "checked": str(v) == str(value)} for v, t in field.choices],
        )
        params.pop("label")
    elif isinstance(widget, forms.CheckboxInput):
        params.update(
            kind="checkboxes",
            idPrefix=params.pop("id"),
            items=[{"value": "on", "text": bound.label, "checked": bool(value)}],
        )
        params.pop("label")
    elif isinstance(widget, forms.Select):
        params.update(
            kind="select",
            items=[
                {"value": v, "text": str(t), "selected": str(v) == str(value if value is not None else "")}
                for v, t in field.choices
            ],
        )
    elif isinstance(widget, forms.Textarea):
        params.update(kind="textarea", value=value or "", rows=widget.attrs.get("rows", 5))
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        params.update(kind="file")
    else:
        input_type = getattr(widget, "input_type", "text")
        if isinstance(value, (list, tuple)):
            value = ""
        params.update(kind="input", type=input_type, value="" if value is None else value)
        if input_type == "email":
            params.update(autocomplete="email", spellcheck=False)
    params.update({k: v for k, v in extra.items() if v is not None})
    return {k: v for k, v in params.items() if v is not None}


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


EXAMPLE_DATE = "31/03/2027"


class UKDateField(forms.DateField):
    """A date typed as 31/03/2027 (or sent as 2027-03-31 by a browser's date picker), whose error
    names the field and what was typed."""

    def __init__(self, *, label: str, what: str, required: bool = True, help_text: str = ""):
        self.what = what
        super().__init__(
            label=label,
            required=required,
            widget=DateInput,
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            help_text=help_text or f"For example, {EXAMPLE_DATE}.",
            error_messages={"required": f"Enter {what}, for example {EXAMPLE_DATE}"},
        )

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                f"{self.what[:1].upper()}{self.what[1:]}: “{value}” is not a real date. "
                f"Enter it as day/month/year, for example {EXAMPLE_DATE}",
                code="invalid",
            ) from None


class WholeNumberField(forms.CharField):
    """A box for a whole number whose errors name what was typed and what is accepted (Django's
    IntegerField says only "Enter a whole number"). Empty is None."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"})

    def __init__(self, *, what: str, accepted: str, most: int = 100_000, **kwargs):
        """`what` names the number ("a number of credits"); `accepted` says what to enter instead
        ("enter 0 to 500"); `most` is the largest the form passes to the service (which checks
        its own range): a longer number is a typo, and would not fit the database."""
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.what, self.accepted, self.most = what, accepted, most

    def to_python(self, value):
        typed = (super().to_python(value) or "").strip()
        if not typed:
            return None
        if not (typed.isascii() and typed.isdigit()):
            raise forms.ValidationError(f"“{typed}” is not {self.what}: {self.accepted}")
        number = int(typed)
        if number > self.most:
            raise forms.ValidationError(f"{number:,} is too many: {self.accepted}")
        return number
