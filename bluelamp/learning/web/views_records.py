"""The learner record's pages: your record, a person's record (line managers and training
administrators in scope), external/CPD records and their evidence, CSV and PDF exports, and the
import of historical completions.

Reading a record goes through `selectors.access_record_of`: the person themselves, their line
manager, or a training administrator whose scope covers them. Anyone else gets the same 404 as
for a person who does not exist (a desk adviser who may view people nationally included).
"""

from __future__ import annotations

import logging
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from bluelamp.core.exports import csv_download
from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import LONDON, format_date, format_datetime
from bluelamp.learning import records, selectors
from bluelamp.learning.models import Completion, CompletionImportRun
from bluelamp.learning.record_sections import record_sections
from bluelamp.learning.web.forms_records import ExternalRecordForm, HistoryImportForm
from bluelamp.organisations.api import Organisation

RUNS_SHOWN = 20

logger = logging.getLogger(__name__)


def _number(value) -> str:
    """85.00 → "85", 72.50 → "72.5", 100.00 → "100"; None → ""."""
    return "" if value is None else f"{value.normalize():f}"


def _record_url(person, user) -> str:
    if person.pk == user.pk:
        return reverse("learning:record_mine")
    return reverse("learning:record_person", args=[person.pk])


def _record_context(request, person) -> dict:
    completions = list(selectors.transcript(person))
    administers = records.may_administer_record(request.user, person)
    own = person.pk == request.user.pk
    rows = [
        (
            completion,
            completion.source == Completion.Source.EXTERNAL
            and (administers or completion.recorded_by_id == request.user.pk),
        )
        for completion in completions
    ]
    return {
        "person": person,
        "own": own,
        "rows": rows,
        "can_add": own or administers,
        "may_import": selectors.manage_access(request.user).anything,
        "number": _number,
        "sections": record_sections(request, person, own=own),
    }


@login_required
@require_GET
def record_mine(request):
    context = _record_context(request, request.user)
    context["title"] = "Your learning record"
    return render(request, "learning/records/record.html", context)


@login_required
@require_GET
def record_person(request, person_id: int):
    person = selectors.access_record_of(request.user, person_id)
    if person.pk == request.user.pk:
        return redirect("learning:record_mine")
    context = _record_context(request, person)
    context["title"] = f"Learning record of {person.get_full_name()}"
    return render(request, "learning/records/record.html", context)


def _addable_person(user, person_id: int | None):
    """The person whose record `user` may add to: themselves, or someone in their scope."""
    if person_id is None:
        return user
    person = selectors.access_record_of(user, person_id)
    if person.pk != user.pk and not records.may_administer_record(user, person):
        raise Http404("No such person")
    return person


@login_required
def record_add(request, person_id: int | None = None):
    person = _addable_person(request.user, person_id)
    own = person.pk == request.user.pk
    back = _record_url(person, request.user)
    form = ExternalRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            records.record_external(
                actor=request.user,
                person=person,
                title=data["title"],
                provider=data["provider"],
                completed_on=data["completed_on"],
                hours=data["hours"],
                score=data["score"],
                evidence=data["evidence"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{data['title']}” has been added to the learning record.")
            return redirect(back)
    title = "Add an external or CPD record"
    return render(
        request,
        "learning/records/add.html",
        {
            "title": title,
            "form": form,
            "person": person,
            "own": own,
            "back": back,
            "breadcrumbs": [
                {
                    "text": "Your learning record" if own else f"Learning record of {person.get_full_name()}",
                    "href": back,
                }
            ],
        },
    )


def _access_completion(user, completion_uuid) -> Completion:
    completion = (
        Completion.objects.select_related("person", "person__unit", "person__organisation", "organisation")
        .filter(uuid=completion_uuid)
        .first()
    )
    if completion is None:
        raise Http404("No such record")
    selectors.access_record_of(user, completion.person_id)  # 404 unless the reader may see it
    return completion


@login_required
def record_remove(request, completion_uuid):
    completion = _access_completion(request.user, completion_uuid)
    if not records.may_remove(request.user, completion):
        raise Http404("No such record")
    person = completion.person
    own = person.pk == request.user.pk
    back = _record_url(person, request.user)
    if request.method == "POST":
        try:
            records.record_remove(actor=request.user, completion=completion)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request, f"“{completion.course_title}” has been removed from the learning record."
            )
        return redirect(back)
    return render(
        request,
        "learning/records/remove.html",
        {"title": "Remove this record", "completion": completion, "own": own, "back": back},
    )


@login_required
@require_GET
def record_evidence(request, completion_uuid):
    completion = _access_completion(request.user, completion_uuid)
    if not completion.evidence:
        raise Http404("No evidence")
    extension = PurePath(completion.evidence.name).suffix.lower()
    name = (
        completion.evidence_name or f"{slugify(completion.course_title)[:60] or 'record'}-evidence{extension}"
    )
    try:
        handle = completion.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No evidence") from exc
    return FileResponse(
        handle, as_attachment=True, filename=name, content_type=records.evidence_content_type(completion)
    )


# --- exports -------------------------------------------------------------------------------------

CSV_COLUMNS = [
    "completed_on",
    "course_code",
    "course_title",
    "version",
    "score",
    "cpd_hours",
    "source",
    "provider",
    "organisation_at_the_time",
    "completed_at_europe_london",
    "evidence",
]


def _export_name(person, extension: str) -> str:
    return f"learning-record-{slugify(person.get_full_name()) or person.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def record_csv(request, person_id: int):
    person = selectors.access_record_of(request.user, person_id)
    return csv_download(
        filename=_export_name(person, "csv"),
        header=CSV_COLUMNS,
        rows=(
            [
                c.completed_on.isoformat(),
                c.course_code,
                c.course_title,
                c.version_number or "",
                c.score if c.score is not None else "",
                c.hours if c.hours is not None else "",
                c.get_source_display(),
                c.provider,
                c.organisation.name if c.organisation else "",
                c.completed_at.astimezone(LONDON).isoformat() if c.completed_at else "",
                "yes" if c.evidence else "",
            ]
            for c in selectors.transcript(person)
        ),
    )


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"The learner record PDF loads nothing from outside: {url}")


@login_required
@require_GET
def record_pdf(request, person_id: int):
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    person = selectors.access_record_of(request.user, person_id)
    now = timezone.now()
    html = render_to_string(
        "learning/records/record_pdf.html",
        {
            "person": person,
            "completions": list(selectors.transcript(person)),
            "generated": format_datetime(now),
            "generated_iso": now.astimezone(LONDON).isoformat(timespec="seconds"),
            "format_date": format_date,
            "number": _number,
        },
    )
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(person, "pdf")}"'
    return response


# --- importing history ------------------------------------------------------------------------


def _import_access(user):
    access = selectors.manage_access(user)
    if not access.anything:
        raise Http404("No such page")
    touched = access.organisation_ids_touched()
    organisations = (
        Organisation.objects.all() if touched is None else Organisation.objects.filter(pk__in=touched)
    )
    return access, organisations.order_by("name")


_stored_path = records.history_file_path


def _access_run(user, run_uuid) -> CompletionImportRun:
    access, _ = _import_access(user)
    run = (
        CompletionImportRun.objects.select_related("organisation", "started_by", "checked_run")
        .filter(uuid=run_uuid)
        .first()
    )
    if run is None or not access.touches_organisation(run.organisation_id):
        raise Http404("No such import")
    return run


def _discard_earlier_checks(user, organisation, *, keep: CompletionImportRun) -> None:
    """A checked file is kept only until it is applied or the same person checks another file for
    the same organisation: it holds personal data, and only the latest check may be applied."""
    earlier = (
        CompletionImportRun.objects.filter(
            organisation=organisation, started_by=user, outcome=CompletionImportRun.Outcome.CHECKED
        )
        .exclude(pk=keep.pk)
        .order_by("-started_at")[:20]
    )
    for run in earlier:
        path = _stored_path(run)
        if default_storage.exists(path):
            default_storage.delete(path)


@login_required
def record_import(request):
    access, organisations = _import_access(request.user)
    form = HistoryImportForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        initial={"organisation": request.user.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        organisation = organisations.get(pk=form.cleaned_data["organisation"])
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = records.import_history(
                actor=request.user, organisation=organisation, data=data, file_name=upload.name, apply=False
            )
        except records.HistoryImportError as exc:
            result = _failed(exc)
        if result.ok and result.created:
            _discard_earlier_checks(request.user, organisation, keep=result.run)
            default_storage.save(_stored_path(result.run), ContentFile(data))
        return redirect("learning:record_import_run", run_uuid=result.run.uuid)
    runs = CompletionImportRun.objects.select_related("organisation", "started_by").order_by("-started_at")
    touched = access.organisation_ids_touched()
    if touched is not None:
        runs = runs.filter(organisation_id__in=touched)
    return render(
        request,
        "learning/records/import.html",
        {"title": "Import learning history", "form": form, "runs": runs[:RUNS_SHOWN]},
    )


@login_required
@require_GET
def record_import_run(request, run_uuid):
    run = _access_run(request.user, run_uuid)
    problems = [e for e in run.errors if e.get("kind", "error") == "error"]
    duplicates = [e for e in run.errors if e.get("kind") == "duplicate"]
    Outcome = CompletionImportRun.Outcome
    skipped = run.rows - run.created if run.outcome in (Outcome.CHECKED, Outcome.APPLIED) else 0
    return render(
        request,
        "learning/records/import_run.html",
        {
            # A refused or failed file is an error page: its title says so, as a form with errors does.
            "title": ("Error: " if run.outcome in (Outcome.REFUSED, Outcome.FAILED) else "")
            + f"Import of {run.file_name}",
            "run": run,
            "problems": problems,
            "duplicates": duplicates,
            "skipped": skipped,
            "can_apply": run.outcome == CompletionImportRun.Outcome.CHECKED
            and default_storage.exists(_stored_path(run)),
            "breadcrumbs": [{"text": "Import learning history", "href": reverse("learning:record_import")}],
        },
    )


@login_required
@require_POST
def record_import_apply(request, run_uuid):
    checked = _access_run(request.user, run_uuid)
    path = _stored_path(checked)
    with transaction.atomic():
        # One apply per checked file, however many times "Apply" is pressed, in however many tabs:
        # this write locks the checked run (the whole database on SQLite) until the apply below
        # commits, so a second press waits here and then finds the first one's run.
        CompletionImportRun.objects.filter(pk=checked.pk).update(file_name=F("file_name"))
        applied = CompletionImportRun.objects.filter(
            checked_run=checked, outcome=CompletionImportRun.Outcome.APPLIED
        ).first()
        if applied is not None:
            return redirect("learning:record_import_run", run_uuid=applied.uuid)
        if checked.outcome != CompletionImportRun.Outcome.CHECKED or not default_storage.exists(path):
            messages.error(
                request, "Only a checked file with completions to add can be applied. Upload it again."
            )
            return redirect("learning:record_import_run", run_uuid=checked.uuid)
        with default_storage.open(path, "rb") as stored:
            data = stored.read()
        try:
            result = records.import_history(
                actor=request.user,
                organisation=checked.organisation,
                data=data,
                file_name=checked.file_name,
                apply=True,
                checked_run=checked,
            )
        except records.HistoryImportError as exc:
            # Nothing was added; the checked file stays, to be applied again.
            result = _failed(exc)
        if result.applied:
            default_storage.delete(path)
    return redirect("learning:record_import_run", run_uuid=result.run.uuid)


def _failed(exc: records.HistoryImportError) -> records.HistoryResult:
    """The failed run to show; the error itself goes to the log for the administrator."""
    logger.error("Learning history import failed", exc_info=exc.__cause__ or exc)
    if exc.result.run is None:
        raise exc  # not even the failure could be recorded: the server error page
    return exc.result
