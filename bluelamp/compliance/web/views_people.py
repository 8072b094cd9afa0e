"""The people side of mandatory training: your own requirements ("My mandatory training"), a
person's (for their line manager and the training administrators over them), and what those may
do about them: grant or revoke an exemption, extend a due date, download an exemption's evidence.

Every page about a person goes through `selectors.access_person_standing`: the person themselves,
or someone who may see their standing by name; anyone else gets the same 404 as for a person who
does not exist. What may be done is the services' decision (`exemption_grant`, `extension_grant`);
a form the reader may not use is "not found" too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from bluelamp.compliance import selectors, services
from bluelamp.compliance.models import Assignment, Exemption, Extension, Requirement, Status
from bluelamp.compliance.web import clock
from bluelamp.compliance.web.forms_people import (
    ExemptionForm,
    ExemptionRevokeForm,
    ExtensionForm,
    evidence_content_type,
)
from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import format_date

# GOV.UK tag colours of each status.
TAG_CLASSES: dict[str, str] = {
    Status.COMPLIANT: "govuk-tag--green",
    Status.DUE: "govuk-tag--yellow",
    Status.OVERDUE: "govuk-tag--red",
    Status.ASSIGNED: "govuk-tag--grey",
    Status.SUSPENDED: "govuk-tag--orange",
    Status.EXEMPT: "govuk-tag--blue",
}


# --- reading where a person stands --------------------------------------------------------------


@dataclass
class Row:
    """One requirement on a person's page."""

    assignment: Assignment
    courses: list = field(default_factory=list)
    # Suspended: the prerequisites that are not in date, each with what is wrong with it.
    because: list[str] = field(default_factory=list)
    exemption: Exemption | None = None  # exempt: the exemption that covers today

    @property
    def requirement(self) -> Requirement:
        return self.assignment.requirement

    @property
    def tag_class(self) -> str:
        return TAG_CLASSES.get(self.assignment.status, "govuk-tag--grey")


def _is_active(exemption: Exemption, today: dt.date) -> bool:
    """Not revoked and not ended (one that starts later counts as active: it is in force soon)."""
    return exemption.revoked_at is None and (exemption.ends_on is None or exemption.ends_on >= today)


def _standing(person, today: dt.date) -> dict:
    assignments = list(
        selectors.standing_of(person).prefetch_related(
            "requirement__course_links__course", "requirement__prerequisites"
        )
    )
    held = {a.requirement_id: a for a in assignments}
    exemptions = list(
        Exemption.objects.filter(person=person).select_related("requirement", "granted_by", "revoked_by")
    )
    extensions = list(Extension.objects.filter(person=person).select_related("requirement", "approved_by"))
    rows = []
    for assignment in assignments:
        row = Row(
            assignment=assignment,
            courses=[link.course for link in assignment.requirement.course_links.all()],
        )
        if assignment.status == Status.SUSPENDED:
            for prerequisite in assignment.requirement.prerequisites.all():
                standing = held.get(prerequisite.pk)
                if standing is not None and (standing.in_date or standing.status == Status.EXEMPT):
                    continue
                lapsed = standing is not None and standing.last_completed_on is not None
                row.because.append(
                    f"{prerequisite.title} ({prerequisite.code}) "
                    + ("has lapsed" if lapsed else "has not been completed")
                )
        if assignment.status == Status.EXEMPT:
            row.exemption = next(
                (
                    e
                    for e in exemptions
                    if e.requirement_id == assignment.requirement_id
                    and e.revoked_at is None
                    and e.period.covers(today)
                ),
                None,
            )
        rows.append(row)
    return {
        "rows": [r for r in rows if r.assignment.in_audience],
        "past_rows": [r for r in rows if not r.assignment.in_audience],
        "active_exemptions": [e for e in exemptions if _is_active(e, today)],
        "past_exemptions": [e for e in exemptions if not _is_active(e, today)],
        "extensions": extensions,
        "today": today,
    }


def _page_url(person, user) -> str:
    if person.pk == user.pk:
        return reverse("compliance:mine")
    return reverse("compliance:person", args=[person.uuid])


def _page_label(person, user) -> str:
    return (
        "My mandatory training" if person.pk == user.pk else f"Mandatory training of {person.get_full_name()}"
    )


def _page(request, person):
    user = request.user
    context = _standing(person, clock.today())
    may_exempt = services._may_manage_person(user, person)
    may_extend = services._may_extend_for(user, person)
    context.update(
        {
            "title": _page_label(person, user),
            "person": person,
            "own": person.pk == user.pk,
            "may_exempt": may_exempt and bool(context["rows"]),
            "may_revoke": may_exempt,
            "may_extend": may_extend and any(r.assignment.due_on for r in context["rows"]),
            "tag_classes": TAG_CLASSES,
        }
    )
    return render(request, "compliance/people/person.html", context)


@login_required
@require_GET
def mine(request):
    return _page(request, request.user)


@login_required
@require_GET
def person_detail(request, person_uuid):
    person = selectors.access_person_standing(request.user, person_uuid)
    if person.pk == request.user.pk:
        return redirect("compliance:mine")
    return _page(request, person)


# --- exemptions -----------------------------------------------------------------------------------


def _current(person) -> list[Assignment]:
    """The person's requirements in whose audience they are now."""
    return [a for a in selectors.standing_of(person) if a.in_audience]


def _form_context(request, person, form, title: str) -> dict:
    back = _page_url(person, request.user)
    return {
        "title": title,
        "form": form,
        "person": person,
        "own": person.pk == request.user.pk,
        "back": back,
        "breadcrumbs": [{"text": _page_label(person, request.user), "href": back}],
    }


def _chosen(assignments: list[Assignment], requirement_uuid: str) -> Assignment:
    return next(a for a in assignments if str(a.requirement.uuid) == requirement_uuid)


@login_required
def exemption_new(request, person_uuid):
    person = selectors.access_person_standing(request.user, person_uuid)
    if not services._may_manage_person(request.user, person):
        raise Http404("No such person")
    current = _current(person)
    choices = [(str(a.requirement.uuid), f"{a.requirement.code} {a.requirement.title}") for a in current]
    form = ExemptionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        requirements=choices,
        initial={"starts_on": clock.today(), "requirement": request.GET.get("requirement", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requirement = _chosen(current, data["requirement"]).requirement
        try:
            services.exemption_grant(
                actor=request.user,
                person=person,
                requirement=requirement,
                reason=data["reason"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                evidence=data["evidence"],
                at=clock.now(),
            )
        except PermissionDenied as exc:
            raise Http404("No such person") from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            until = f" until {format_date(data['ends_on'])}" if data["ends_on"] else ""
            messages.success(
                request,
                f"{person.get_full_name()} is exempt from {requirement.code} from "
                f"{format_date(data['starts_on'])}{until}.",
            )
            return redirect(_page_url(person, request.user))
    context = _form_context(request, person, form, "Grant an exemption")
    context["files_dropped"] = request.method == "POST" and bool(request.FILES) and bool(form.errors)
    return render(request, "compliance/people/exemption_form.html", context)


def _access_exemption(user, person_uuid, exemption_uuid) -> Exemption:
    person = selectors.access_person_standing(user, person_uuid)
    exemption = (
        Exemption.objects.select_related("requirement", "granted_by")
        .filter(person=person, uuid=exemption_uuid)
        .first()
    )
    if exemption is None:
        raise Http404("No such exemption")
    exemption.person = person
    return exemption


@login_required
def exemption_revoke(request, person_uuid, exemption_uuid):
    exemption = _access_exemption(request.user, person_uuid, exemption_uuid)
    person = exemption.person
    if not services._may_manage_person(request.user, person):
        raise Http404("No such exemption")
    back = _page_url(person, request.user)
    if exemption.revoked_at is not None:
        messages.info(request, f"That exemption from {exemption.requirement.code} was already revoked.")
        return redirect(back)
    form = ExemptionRevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_revoke(
                actor=request.user, exemption=exemption, reason=form.cleaned_data["reason"], at=clock.now()
            )
        except PermissionDenied as exc:
            raise Http404("No such exemption") from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"The exemption of {person.get_full_name()} from {exemption.requirement.code} is revoked.",
            )
            return redirect(back)
    context = _form_context(request, person, form, "Revoke an exemption")
    context["exemption"] = exemption
    return render(request, "compliance/people/exemption_revoke.html", context)


def _download_name(exemption: Exemption) -> str:
    """The name the evidence was uploaded with, made safe for a header (printable, no path or
    quotes), with the extension of what is stored; or one made from the requirement's code."""
    stored = PurePath(exemption.evidence.name or "").suffix.lower()
    given = PurePath((exemption.evidence_name or "").replace("\\", "/")).name
    given = "".join(ch for ch in given if ch.isprintable() and ch not in '"/;').strip()
    stem = PurePath(given).stem.strip(" .")[:120] if given else ""
    if not stem:
        stem = f"{slugify(exemption.requirement.code)[:60] or 'exemption'}-evidence"
    return f"{stem}{stored}"


@login_required
@require_GET
def exemption_evidence(request, person_uuid, exemption_uuid):
    exemption = _access_exemption(request.user, person_uuid, exemption_uuid)
    if not exemption.evidence:
        raise Http404("No evidence")
    try:
        handle = exemption.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No evidence") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_download_name(exemption),
        content_type=evidence_content_type(exemption.evidence.name),
    )


# --- extensions -----------------------------------------------------------------------------------


@login_required
def extension_new(request, person_uuid):
    person = selectors.access_person_standing(request.user, person_uuid)
    if not services._may_extend_for(request.user, person):
        raise Http404("No such person")
    current = [a for a in _current(person) if a.due_on is not None]
    choices = [
        (str(a.requirement.uuid), f"{a.requirement.code} {a.requirement.title} (due {format_date(a.due_on)})")
        for a in current
    ]
    form = ExtensionForm(
        request.POST if request.method == "POST" else None,
        requirements=choices,
        initial={"requirement": request.GET.get("requirement", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requirement = _chosen(current, data["requirement"]).requirement
        try:
            services.extension_grant(
                actor=request.user,
                person=person,
                requirement=requirement,
                to_due_on=data["to_due_on"],
                reason=data["reason"],
                at=clock.now(),
            )
        except PermissionDenied as exc:
            raise Http404("No such person") from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{person.get_full_name()} is now due to complete {requirement.code} by "
                f"{format_date(data['to_due_on'])}.",
            )
            return redirect(_page_url(person, request.user))
    return render(
        request,
        "compliance/people/extension_form.html",
        _form_context(request, person, form, "Extend a due date"),
    )
