"""Administrators' and line managers' pages about places on programmes, under /programmes/:
applications waiting for the reader and deciding one; everyone on a programme the reader runs;
placing people directly; a learner's tutor and concierge, their awarding-body registration and
withdrawing them. The awarding body's files are in views_places_files.py.

Every page fetches through the `selectors.access_*` helpers: anyone else gets the same 404 as
for something that does not exist. What may be done is the services' decision
(bluelamp/programmes/places.py); their ValidationErrors are shown on the forms."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import format_date, london
from bluelamp.organisations.api import DEFINITIONS, Perm, RoleAssignment
from bluelamp.people.api import Person, person_by_staff_number_or_email
from bluelamp.programmes import exports, places, selectors
from bluelamp.programmes.models import Cohort, Place, Programme
from bluelamp.programmes.structure import may_manage, may_run_cohorts_in
from bluelamp.programmes.web.forms_places import (
    AllocateForm,
    DecisionForm,
    PlaceAddForm,
    RegistrationForm,
    WithdrawForm,
)

PAGE_SIZE = 50
STATEMENT_PREVIEW = 120

# GOV.UK tag colours of a place's status.
STATUS_TAGS: dict[str, str] = {
    Place.Status.MANAGER: "govuk-tag--yellow",
    Place.Status.ADMIN: "govuk-tag--yellow",
    Place.Status.ACTIVE: "govuk-tag--blue",
    Place.Status.COMPLETED: "govuk-tag--green",
    Place.Status.WITHDRAWN: "govuk-tag--grey",
    Place.Status.REFUSED: "govuk-tag--grey",
}


def now() -> dt.datetime:
    """The pages' "now": one place for tests to fix (monkeypatch)."""
    return timezone.now()


def today() -> dt.date:
    return london(now()).date()


def link(name: str, *args) -> str | None:
    """The address of a page of another part of programmes, or None while that part has not
    landed (urls.py gathers the parts that exist): its links are left out, not a 500."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def first_line(text: str, limit: int = STATEMENT_PREVIEW) -> str:
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def cohort_label(cohort: Cohort) -> str:
    """ "Spring 2027, Kent Police, starts 2 November 2026 (3 of 10 places taken)"."""
    label = f"{cohort.name}, {cohort.organisation.name}, starts {format_date(cohort.starts_on)}"
    taken = getattr(cohort, "taken", None)
    if cohort.places is not None and taken is not None:
        label += f" ({taken} of {cohort.places} places taken)"
    return label


def programme_crumbs(programme: Programme, *, places_page: bool = True) -> list[dict]:
    crumbs = []
    manage = link("programmes:manage")
    if manage:
        crumbs.append({"text": "Programmes you run", "href": manage})
    overview = link("programmes:programme_manage", programme.uuid)
    if overview:
        crumbs.append({"text": programme.code, "href": overview})
    if places_page:
        crumbs.append({"text": "People on it", "href": reverse("programmes:places", args=[programme.uuid])})
    return crumbs


def show_errors(form, error: ValidationError, field: str | None) -> None:
    """A service's errors on their fields; one without a field on `field` (what it is about)."""
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
    else:
        form.add_error(field, error.messages)


# --- applications --------------------------------------------------------------------------------


@login_required
@require_GET
def applications(request):
    user = request.user
    return render(
        request,
        "programmes/places/applications.html",
        {
            "title": "Applications to decide",
            "as_manager": list(selectors.applications_for_manager(user)),
            "as_admin": list(selectors.applications_for_admin(user)),
            "first_line": first_line,
        },
    )


def _decides_as_manager(user, place: Place) -> bool:
    """At the line manager's step its line manager decides as manager (an administrator who is
    also the line manager too); otherwise the reader decides as an administrator."""
    return place.status == Place.Status.MANAGER and place.person.line_manager_id == user.pk


@login_required
@require_http_methods(["GET", "POST"])
def application(request, place_uuid):
    user = request.user
    place = selectors.access_application(user, place_uuid)
    as_manager = _decides_as_manager(user, place)
    runs: dict[str, Cohort] = {}
    choices: list[tuple[str, str]] | None = None
    if not as_manager:
        runs = {str(c.uuid): c for c in selectors.cohorts_run_by(user, place.programme)}
        if place.cohort is not None and str(place.cohort.uuid) not in runs:
            runs = {str(place.cohort.uuid): place.cohort, **runs}
        choices = [(key, cohort_label(c)) for key, c in runs.items()]
        if place.cohort is None:
            choices.insert(0, ("", "No cohort (no due dates)"))
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        as_manager=as_manager,
        cohorts=choices,
        initial={"cohort": str(place.cohort.uuid) if place.cohort else ""},
    )
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"]
        name, title = place.person.get_full_name(), place.programme.title
        try:
            if as_manager:
                places.place_manager_decide(
                    actor=user, place=place, approve=form.approve, note=note, at=now()
                )
            else:
                cohort = runs.get(form.cleaned_data.get("cohort") or "")
                places.place_admin_decide(
                    actor=user, place=place, approve=form.approve, note=note, cohort=cohort, at=now()
                )
        except PermissionDenied:
            raise Http404("No such application") from None
        except ValidationError as error:
            show_errors(form, error, "decision")
        else:
            if not form.approve:
                done = f"You declined {name}'s application for {title}. They are told why."
            elif as_manager:
                done = f"You support {name}'s application for {title}: it goes to the programme's administrators."
            else:
                cohort_name = f", in {place.cohort.name}" if place.cohort else ""
                done = f"{name} is on {title}{cohort_name}. Their units are on their programme page."
            messages.success(request, done)
            return redirect("programmes:applications")
    return render(
        request,
        "programmes/places/application.html",
        {
            "title": f"Application from {place.person.get_full_name()}",
            "place": place,
            "as_manager": as_manager,
            "decision_form": form,
            "form": form if form.errors else None,
            "breadcrumbs": [{"text": "Applications to decide", "href": reverse("programmes:applications")}],
        },
        status=400 if form.errors else 200,
    )


# --- everyone on a programme -----------------------------------------------------------------------


def _search(rows, query: str):
    for word in query.split():
        rows = rows.filter(
            Q(person__first_name__icontains=word)
            | Q(person__last_name__icontains=word)
            | Q(person__email__icontains=word)
            | Q(person__staff_number__iexact=word)
        )
    return rows


@login_required
@require_GET
def places_list(request, programme_uuid):
    user = request.user
    programme = selectors.access_programme_to_run(user, programme_uuid)
    rows = selectors.places_run(user, programme)
    status = request.GET.get("status", "")
    if status in Place.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    cohorts = list(selectors.cohorts_run_by(user, programme))
    cohort = request.GET.get("cohort", "")
    chosen = next((c for c in cohorts if str(c.uuid) == cohort), None)
    if chosen is not None:
        rows = rows.filter(cohort=chosen)
    else:
        cohort = ""
    query = request.GET.get("q", "").strip()[:100]
    rows = _search(rows, query).order_by("person__last_name", "person__first_name", "pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    return render(
        request,
        "programmes/places/places.html",
        {
            "title": f"People on {programme.title}",
            "programme": programme,
            "page": page,
            "items": items,
            "standing": exports.standings(items),
            "filtered": bool(status or cohort or query),
            "query": query,
            "status_items": [{"value": "", "text": "Any status"}]
            + [{"value": v, "text": t, "selected": v == status} for v, t in Place.Status.choices],
            "cohort_items": [{"value": "", "text": "Any cohort"}]
            + [
                {"value": str(c.uuid), "text": cohort_label(c), "selected": str(c.uuid) == cohort}
                for c in cohorts
            ],
            "status_tags": STATUS_TAGS,
            "live": Place.LIVE,
            "link": link,
            "breadcrumbs": programme_crumbs(programme, places_page=False),
        },
    )


def find_person(user, typed: str) -> tuple[Person | None, str]:
    """The person in `user`'s scope with this staff number or e-mail address, or why not."""
    return person_by_staff_number_or_email(user, typed, Perm.LEARNING_MANAGE)


@login_required
@require_http_methods(["GET", "POST"])
def place_add(request, programme_uuid):
    user = request.user
    programme = selectors.access_programme_to_run(user, programme_uuid)
    runs = {str(c.uuid): c for c in selectors.cohorts_run_by(user, programme)}
    form = PlaceAddForm(
        request.POST if request.method == "POST" else None,
        cohorts=[(key, cohort_label(c)) for key, c in runs.items()],
    )
    if request.method == "POST" and form.is_valid():
        person, problem = find_person(user, form.cleaned_data["person"])
        cohort = runs.get(form.cleaned_data["cohort"] or "")
        if person is None:
            form.add_error("person", problem)
        elif cohort is None and not may_run_cohorts_in(user, programme, person.organisation):
            form.add_error(
                "cohort",
                f"{person.get_full_name()} is in {person.organisation.name}, where you do not run "
                f"{programme.code}: choose one of your cohorts",
            )
        else:
            try:
                place = places.place_add(
                    actor=user, programme=programme, person=person, cohort=cohort, at=now()
                )
            except PermissionDenied as refused:
                form.add_error("person", str(refused))
            except ValidationError as error:
                show_errors(form, error, "person")
            else:
                where = f" in {place.cohort.name}" if place.cohort else ""
                messages.success(
                    request,
                    f"{person.get_full_name()} is on {programme.title}{where}: their units are open to them.",
                )
                return redirect("programmes:places", programme.uuid)
    return render(
        request,
        "programmes/places/place_add.html",
        {
            "title": f"Place someone on {programme.code}",
            "programme": programme,
            "add_form": form,
            "form": form if form.errors else None,
            "breadcrumbs": programme_crumbs(programme),
        },
        status=400 if form.errors else 200,
    )


# --- one learner's place ----------------------------------------------------------------------------

# Roles that tutor or manage learning: people who hold one in an organisation may tutor there.
_TUTOR_ROLES = [
    role
    for role, definition in DEFINITIONS.items()
    if definition.permissions & {Perm.LEARNING_TUTOR, Perm.LEARNING_MANAGE}
]


def allocatable(place: Place) -> tuple[list[Person], list[Person]]:
    """Who may be the learner's tutor, and their concierge: people holding a tutoring or
    learning-management role in the learner's organisation or the programme's owner, each
    checked as the service checks them (places.may_tutor, structure.may_manage). The current
    tutor and concierge stay listed even if they no longer may, so that saving shows why."""
    learner = place.person
    holders = {
        a.person.pk: a.person
        for a in RoleAssignment.objects.current()
        .filter(
            organisation_id__in={learner.organisation_id, place.programme.owner_id},
            unit__isnull=True,
            role__in=_TUTOR_ROLES,
            person__is_active=True,
        )
        .exclude(person=learner)
        .select_related("person")
    }
    people = sorted(holders.values(), key=lambda p: (p.last_name, p.first_name, p.pk))
    tutors = [p for p in people if places.may_tutor(p, learner)]
    concierges = [p for p in people if may_manage(p, place.programme) or places.may_tutor(p, learner)]
    for chosen, listed in ((place.tutor, tutors), (place.concierge, concierges)):
        if chosen is not None and chosen not in listed:
            listed.insert(0, chosen)
    return tutors, concierges


def _person_choice(person: Person) -> tuple[str, str]:
    return str(person.uuid), f"{person.get_full_name()} ({person.email})"


def _place_page(request, place: Place, template: str, title: str, form, **more):
    return render(
        request,
        template,
        {
            "title": title,
            "place": place,
            "page_form": form,
            "form": form if form.errors else None,
            "staff_page": link("programmes:place", place.uuid),
            "back": reverse("programmes:places", args=[place.programme.uuid]),
            "breadcrumbs": programme_crumbs(place.programme),
            **more,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_allocate(request, place_uuid):
    user = request.user
    place = selectors.access_place_to_administer(user, place_uuid)
    tutors, concierges = allocatable(place)
    form = AllocateForm(
        request.POST if request.method == "POST" else None,
        tutors=[_person_choice(p) for p in tutors],
        concierges=[_person_choice(p) for p in concierges],
        initial={
            "tutor": str(place.tutor.uuid) if place.tutor else "",
            "concierge": str(place.concierge.uuid) if place.concierge else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        by_key = {str(p.uuid): p for p in (*tutors, *concierges)}
        tutor = by_key.get(form.cleaned_data["tutor"] or "")
        concierge = by_key.get(form.cleaned_data["concierge"] or "")
        try:
            places.place_assign(actor=user, place=place, tutor=tutor, concierge=concierge, at=now())
        except PermissionDenied:
            raise Http404("No such place") from None
        except ValidationError as error:
            show_errors(form, error, "tutor")
        else:
            tutor_name = tutor.get_full_name() if tutor else "no one"
            concierge_name = concierge.get_full_name() if concierge else "no one"
            messages.success(
                request,
                f"Saved for {place.person.get_full_name()}: tutor {tutor_name}, concierge {concierge_name}.",
            )
            return redirect("programmes:places", place.programme.uuid)
    return _place_page(
        request,
        place,
        "programmes/places/allocate.html",
        f"Tutor and concierge of {place.person.get_full_name()}",
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_registration(request, place_uuid):
    user = request.user
    place = selectors.access_place_to_administer(user, place_uuid)
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        initial={
            "registration_number": place.registration_number,
            "registered_on": place.registered_on or today(),
        },
    )
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["registration_number"]
        try:
            places.place_register(
                actor=user,
                place=place,
                registration_number=number,
                registered_on=form.cleaned_data["registered_on"],
                at=now(),
            )
        except PermissionDenied:
            raise Http404("No such place") from None
        except ValidationError as error:
            show_errors(form, error, "registration_number")
        else:
            name = place.person.get_full_name()
            if number:
                done = f"{name} is registered with {place.programme.awarding_body or 'the awarding body'} as {number}."
            else:
                done = f"{name}'s registration number is removed."
            messages.success(request, done)
            return redirect("programmes:places", place.programme.uuid)
    return _place_page(
        request,
        place,
        "programmes/places/registration.html",
        f"Registration of {place.person.get_full_name()}",
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def place_withdraw(request, place_uuid):
    user = request.user
    place = selectors.access_place_to_administer(user, place_uuid)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            places.place_withdraw(actor=user, place=place, reason=form.cleaned_data["reason"], at=now())
        except PermissionDenied:
            raise Http404("No such place") from None
        except ValidationError as error:
            show_errors(form, error, None)
        else:
            messages.success(
                request, f"{place.person.get_full_name()} is withdrawn from {place.programme.title}."
            )
            return redirect("programmes:places", place.programme.uuid)
    return _place_page(
        request,
        place,
        "programmes/places/withdraw.html",
        f"Withdraw {place.person.get_full_name()}",
        form,
        is_live=place.status in Place.LIVE,
    )
