from django import forms

from bluelamp.organisations.models import Licence, LicenceType, Organisation, Unit

_IMAGE_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "image/gif", "image/webp"}
MAX_LOGO_BYTES = 512 * 1024


class OrganisationForm(forms.Form):
    slug = forms.SlugField(
        label="Short name (slug)",
        help_text="Lower-case letters, numbers and hyphens, e.g. kent. Used in addresses; cannot be changed later.",
    )
    name = forms.CharField(max_length=200, label="Name")
    kind = forms.ChoiceField(
        choices=Organisation.Kind.choices, widget=forms.RadioSelect, label="Kind of organisation"
    )
    host_name = forms.CharField(
        required=False,
        max_length=253,
        label="Host name (optional)",
        help_text="e.g. kent.learn.example. Leave empty to use the shared address.",
    )
    brand_colour = forms.CharField(
        max_length=7,
        initial="#1d4f91",
        label="Brand colour",
        help_text="As #rrggbb. White text must be readable on it.",
    )


class OrganisationEditForm(OrganisationForm):
    logo = forms.FileField(
        required=False, label="Logo (optional)", help_text="PNG, JPEG, SVG, GIF or WebP, up to 512 KB."
    )
    clear_logo = forms.BooleanField(required=False, label="Remove the current logo")

    def __init__(self, *args, can_change_kind: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["slug"]
        if not can_change_kind:
            del self.fields["kind"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            if logo.size > MAX_LOGO_BYTES:
                raise forms.ValidationError(
                    f"The logo is {logo.size // 1024} KB; it must be 512 KB or smaller."
                )
            if getattr(logo, "content_type", "") not in _IMAGE_TYPES:
                raise forms.ValidationError("The logo must be a PNG, JPEG, SVG, GIF or WebP image.")
        return logo


class UnitForm(forms.Form):
    name = forms.CharField(max_length=200, label="Unit name")
    code = forms.CharField(
        max_length=50,
        required=False,
        label="Code (optional)",
        help_text="Your HR or finance code for the unit",
    )
    parent = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Part of")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "Nothing — a top-level unit")] + [
            (u.pk, u.full_path) for u in units
        ]


class LicenceForm(forms.Form):
    organisation = forms.TypedChoiceField(coerce=int, label="Organisation")
    type = forms.ChoiceField(choices=LicenceType.choices, widget=forms.RadioSelect, label="Licence type")
    reference = forms.CharField(max_length=60, label="Reference number")
    starts_on = forms.DateField(label="Start date", help_text="YYYY-MM-DD, e.g. 2026-04-01")
    ends_on = forms.DateField(
        required=False, label="End date", help_text="YYYY-MM-DD. Leave empty for no end date."
    )
    status = forms.ChoiceField(choices=Licence.Status.choices, initial=Licence.Status.ACTIVE, label="Status")
    notes = forms.CharField(required=False, widget=forms.Textarea, label="Notes")
    shares_names_nationally = forms.BooleanField(
        required=False,
        label=Licence._meta.get_field("shares_names_nationally").verbose_name.capitalize(),
        help_text="Mandatory-training reports: the national body always sees this organisation's "
        "figures; tick this only where the licence agreement lets it see the organisation's people "
        "by name too (who is trained, who is not). It applies while this licence is in force.",
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [("", "Choose an organisation")] + [
                (o.pk, o.name) for o in organisations
            ]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The end date must be the same as or after the start date.")
        return data


class LicenceContactForm(forms.Form):
    name = forms.CharField(max_length=200, label="Name")
    email = forms.EmailField(label="E-mail address")
    role = forms.CharField(max_length=100, required=False, label="Job title (optional)")


class RevokeForm(forms.Form):
    reason = forms.CharField(max_length=300, required=False, label="Reason (optional)")


def unit_choices(units: list[Unit]):
    return [(u.pk, u.full_path) for u in units]


class SingleSignOnForm(forms.Form):
    server_url = forms.CharField(
        max_length=500,
        label="Issuer URL",
        error_messages={"required": "Enter the issuer URL of your identity provider."},
        help_text="For Microsoft Entra ID: https://login.microsoftonline.com/<your directory (tenant) ID>/v2.0",
    )
    client_id = forms.CharField(
        max_length=191,
        label="Application (client) ID",
        error_messages={"required": "Enter the application (client) ID your identity provider gave you."},
    )
    client_secret = forms.CharField(
        max_length=191,
        required=False,
        strip=True,
        label="Client secret",
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    allowed_email_domains = forms.CharField(
        max_length=2000,
        label="E-mail domains",
        error_messages={"required": "Enter at least one e-mail domain, e.g. kent.police.uk"},
        help_text="Only addresses in these domains may sign in this way. Separate them with commas, "
        "e.g. kent.police.uk, kent.pnn.police.uk",
    )
    create_unknown_people = forms.BooleanField(
        required=False,
        label="Create a Bluelamp account the first time someone signs in who does not have one",
        help_text="Leave this off if your HR import creates everyone's account: then only people already "
        "in Bluelamp can sign in, matched by e-mail address.",
    )
    enabled = forms.BooleanField(required=False, label="Offer single sign-on on the sign-in page")

    def __init__(self, *args, has_secret: bool, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["client_secret"]
        if has_secret:
            field.label = "New client secret (optional)"
            field.help_text = "Leave empty to keep the current secret. Enter a new one when it expires."
        else:
            field.help_text = "Shown once by your identity provider when you create it."
