"""Forms for training administrators and line managers. They check shape (required fields, file
size and type); the services decide what is allowed."""

from __future__ import annotations

from functools import partial
from pathlib import PurePosixPath

from django import forms

from bluelamp.core.forms import DateInput, text_area
from bluelamp.learning.enrolments import MAX_CSV_BYTES
from bluelamp.learning.models import Activity, Course, CourseVersion

# Files attached to activities. SCORM packages have their own limits (settings, checked by the
# package reader); these are for documents and for video or audio.
DOCUMENT_MAX_BYTES = 50 * 1024 * 1024
MEDIA_MAX_BYTES = 500 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".ppt": "PowerPoint",
    ".pptx": "PowerPoint",
    ".odt": "OpenDocument",
    ".ods": "OpenDocument",
    ".odp": "OpenDocument",
    ".rtf": "rich text",
    ".txt": "plain text",
    ".csv": "CSV",
}
# What browsers play in an <audio>/<video> element without plug-ins.
MEDIA_TYPES = {
    ".mp4": "MP4",
    ".m4v": "MP4",
    ".webm": "WebM",
    ".mp3": "MP3",
    ".m4a": "M4A",
    ".ogg": "Ogg",
    ".oga": "Ogg",
    ".wav": "WAV",
}

STATUS_FILTERS = [("", "Any status"), *Course.Status.choices]


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.0f} KB"


def _accepted(types: dict[str, str]) -> str:
    return ", ".join(sorted(types))


def check_upload(upload, *, types: dict[str, str], max_bytes: int, what: str) -> None:
    """Raise a ValidationError naming the file, what is wrong with it and what is accepted."""
    name = upload.name or "the file"
    extension = PurePosixPath(name.lower()).suffix
    if extension not in types:
        raise forms.ValidationError(
            f"“{name}” is not {what} that can be used here. Upload one of: {_accepted(types)}."
        )
    if upload.size == 0:
        raise forms.ValidationError(f"“{name}” is empty.")
    if upload.size > max_bytes:
        raise forms.ValidationError(
            f"“{name}” is {_megabytes(upload.size)}; the largest accepted is {_megabytes(max_bytes)}."
        )


def _due_on_field() -> forms.DateField:
    return forms.DateField(
        label="Due date (optional)",
        required=False,
        widget=DateInput,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="The date by which they should complete it, for example 31/03/2027.",
        error_messages={"invalid": "Enter the due date as a real date, for example 31/03/2027."},
    )


def _text(label, *, help_text="", max_length=200, required=True, error=None):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        error_messages={
            "required": error or f"Enter {label.lower()}",
            "max_length": f"{label} can be at most {max_length} characters.",
        },
    )


_area = partial(text_area, required=False, rows=5)


# --- courses ---------------------------------------------------------------------------------------


class CourseFilterForm(forms.Form):
    q = forms.CharField(label="Search by code, title or tag", required=False, max_length=200)
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTERS)


class CourseForm(forms.Form):
    title = _text("Title")
    summary = _area(
        "Summary (optional)",
        help_text="What the course covers, shown in the catalogue. You can use Markdown.",
    )
    audience = _area("Audience notes (optional)", help_text="Who the course is for.", rows=3)
    duration_minutes = forms.IntegerField(
        label="Estimated duration in minutes (optional)",
        required=False,
        min_value=1,
        max_value=100_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the duration as a whole number of minutes, for example 45.",
            "min_value": "Enter a duration of at least 1 minute.",
            "max_value": "Enter a duration of at most 100,000 minutes.",
        },
    )
    tags = _text(
        "Tags (optional)",
        required=False,
        max_length=600,
        help_text="Up to 10, separated by commas, for example: stop and search, safeguarding.",
    )
    self_enrolment = forms.BooleanField(label="Learners may enrol themselves", required=False, initial=True)


class CourseCreateForm(CourseForm):
    field_order = ["owner", "code", "title"]

    owner = forms.ChoiceField(label="Owner", error_messages={"required": "Choose who owns the course"})
    code = _text(
        "Course code",
        max_length=40,
        help_text="Short reference unique within the owner: letters, digits and hyphens, for example SAS-01.",
    )
    completion_rule = forms.ChoiceField(
        label="The course is complete when",
        choices=CourseVersion.CompletionRule.choices,
        initial=CourseVersion.CompletionRule.ALL,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the course is completed"},
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.owners = {str(o.pk): o for o in owners}
        self.fields["owner"].choices = [(str(o.pk), o.name) for o in owners]
        if len(owners) == 1:
            self.fields["owner"].initial = str(owners[0].pk)
            self.fields["owner"].widget = forms.HiddenInput()

    def clean_owner(self):
        return self.owners[self.cleaned_data["owner"]]


class VersionForm(forms.Form):
    completion_rule = forms.ChoiceField(
        label="The course is complete when",
        choices=CourseVersion.CompletionRule.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the course is completed"},
    )
    notes = _area("What changed in this version (optional)", rows=3)


# --- activities ------------------------------------------------------------------------------------


class ActivityForm(forms.Form):
    """Title and "required" for every kind; each kind adds what it needs."""

    kind: str = ""
    title = _text("Title")
    required = forms.BooleanField(
        label="Required: counts towards completion when the course is completed by its required activities",
        required=False,
        initial=True,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing


class ScormActivityForm(ActivityForm):
    kind = Activity.Kind.SCORM
    package = forms.FileField(
        label="SCORM package",
        help_text="A .zip file with imsmanifest.xml at its top level (SCORM 1.2 or SCORM 2004).",
        error_messages={"required": "Choose the SCORM package (.zip) to upload"},
    )
    body = _area(
        "Introduction (optional)", help_text="Shown before the e-learning starts. You can use Markdown."
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        if editing:
            # Keep the package unless a new one is uploaded.
            self.fields["package"].required = False
            self.fields["package"].label = "Replace the SCORM package (optional)"
            self.fields["package"].help_text = (
                "Leave it empty to keep the current package. A new one must be a .zip with "
                "imsmanifest.xml at its top level (SCORM 1.2 or SCORM 2004); learners on earlier "
                "versions keep the package they started."
            )
        else:
            self.fields["title"].required = False
            self.fields["title"].label = "Title (optional)"
            self.fields["title"].help_text = "Leave it empty to use the title in the package."

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload is None:
            return None
        if PurePosixPath((upload.name or "").lower()).suffix != ".zip":
            raise forms.ValidationError(
                f"“{upload.name}” is not a .zip file. Upload the SCORM package as a .zip file."
            )
        return upload


class PageActivityForm(ActivityForm):
    kind = Activity.Kind.PAGE
    body = _area(
        "Page text",
        required=True,
        rows=14,
        help_text="Markdown: # heading, **bold**, *italic*, - lists, [link text](https://…), > quote, tables.",
        error="Enter the page's text",
    )


class _UploadActivityForm(ActivityForm):
    """An activity made of an uploaded file, checked against the kind's types and size."""

    file_types: dict
    file_max_bytes: int
    file_what: str

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, editing=editing, **kwargs)
        if editing:
            self.fields["file"].required = False
            self.fields["file"].label = "Replace the file (optional)"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            check_upload(upload, types=self.file_types, max_bytes=self.file_max_bytes, what=self.file_what)
        return upload


class MediaActivityForm(_UploadActivityForm):
    kind = Activity.Kind.MEDIA
    file = forms.FileField(
        label="Video or audio file",
        help_text=f"{_accepted(MEDIA_TYPES)}; up to {_megabytes(MEDIA_MAX_BYTES)}.",
        error_messages={"required": "Choose the video or audio file to upload"},
    )
    body = _area(
        "Transcript",
        required=True,
        rows=10,
        help_text="Everything said and shown, for people who cannot hear or see it. You can use Markdown.",
        error="Enter a transcript: video and audio need one for people who cannot hear or see it",
    )

    file_types, file_max_bytes, file_what = MEDIA_TYPES, MEDIA_MAX_BYTES, "a video or audio file"


class FileActivityForm(_UploadActivityForm):
    kind = Activity.Kind.FILE
    file = forms.FileField(
        label="File or document",
        help_text=f"{_accepted(DOCUMENT_TYPES)}; up to {_megabytes(DOCUMENT_MAX_BYTES)}.",
        error_messages={"required": "Choose the file to upload"},
    )
    body = _area("Introduction (optional)", help_text="What the document is for. You can use Markdown.")

    file_types, file_max_bytes, file_what = DOCUMENT_TYPES, DOCUMENT_MAX_BYTES, "a document"


class LinkActivityForm(ActivityForm):
    kind = Activity.Kind.LINK
    url = forms.URLField(
        label="Web address",
        max_length=1000,
        assume_scheme="https",
        help_text="Starting with https://",
        error_messages={
            "required": "Enter the web address, starting with https://",
            "invalid": "Enter a web address starting with https://, for example https://www.college.police.uk/",
        },
    )
    body = _area(
        "Introduction (optional)", help_text="What the learner will find there. You can use Markdown."
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.startswith(("https://", "http://")):
            raise forms.ValidationError("Enter a web address starting with https:// or http://")
        return url


ACTIVITY_FORMS: dict[str, type[ActivityForm]] = {
    form.kind: form
    for form in (ScormActivityForm, PageActivityForm, MediaActivityForm, FileActivityForm, LinkActivityForm)
}


# --- enrolment -------------------------------------------------------------------------------------


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label="Find people by name, e-mail address or staff number", required=False, max_length=200
    )


class EnrolPeopleForm(forms.Form):
    due_on = _due_on_field()


class EnrolUnitForm(forms.Form):
    unit = forms.ChoiceField(label="Unit", error_messages={"required": "Choose the unit to enrol"})
    include_below = forms.BooleanField(
        label="Include everyone in the units below it", required=False, initial=True
    )
    due_on = _due_on_field()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["unit"].choices = [("", "Choose a unit"), *[(str(u.pk), _unit_label(u)) for u in units]]
        self.fields["unit"].error_messages["invalid_choice"] = "Choose a unit from the list"

    def clean_unit(self):
        return self.units[self.cleaned_data["unit"]]


def _unit_label(unit) -> str:
    return f"{unit.organisation.name}: {unit.full_path}"


class EnrolCsvForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A header row naming a staff_number or email column, then one person a row. "
        f"Up to {_megabytes(MAX_CSV_BYTES)}.",
        error_messages={"required": "Choose the CSV file to upload"},
    )
    due_on = _due_on_field()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(
            upload, types={".csv": "CSV", ".txt": "text"}, max_bytes=MAX_CSV_BYTES, what="a CSV file"
        )
        return upload


class UnenrolForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the enrolment's history, for example “Moved to a role that does not need it”.",
        error_messages={
            "required": "Enter the reason for unenrolling them",
            "max_length": "The reason can be at most 500 characters.",
        },
    )


class TeamEnrolForm(forms.Form):
    person = forms.ChoiceField(label="Who", error_messages={"required": "Choose who to enrol"})
    course = forms.ChoiceField(label="Course", error_messages={"required": "Choose a course"})
    due_on = _due_on_field()

    def __init__(self, *args, reports, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.reports = {str(p.pk): p for p in reports}
        self.courses = {str(c.pk): c for c in courses}
        self.fields["person"].choices = [
            ("", "Choose a person"),
            *[(k, p.get_full_name()) for k, p in self.reports.items()],
        ]
        self.fields["course"].choices = [
            ("", "Choose a course"),
            *[(k, f"{c.code} {c.title}") for k, c in self.courses.items()],
        ]
        self.fields["person"].error_messages["invalid_choice"] = "Choose one of the people who report to you"
        self.fields["course"].error_messages["invalid_choice"] = "Choose a course from the list"

    def clean_person(self):
        return self.reports[self.cleaned_data["person"]]

    def clean_course(self):
        return self.courses[self.cleaned_data["course"]]


__all__ = [
    "ACTIVITY_FORMS",
    "DOCUMENT_MAX_BYTES",
    "MEDIA_MAX_BYTES",
    "CourseCreateForm",
    "CourseFilterForm",
    "CourseForm",
    "EnrolCsvForm",
    "EnrolPeopleForm",
    "EnrolUnitForm",
    "PeopleSearchForm",
    "TeamEnrolForm",
    "UnenrolForm",
    "VersionForm",
]
