"""The learner's programme pages (/programmes/…): the programmes open to them and their own
places, a programme's page, applying, their programme (where they are, what is next, what is
due, who looks after them), its message thread, leaving it, and their upcoming tasks across
every programme and course.

A place is fetched through `selectors.access_own_place` and a programme through
`selectors.access_programme_to_view`: anything else, and anyone else's, is "not found". What may
be done is the services' decision; their errors show on the forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import format_date, london
from bluelamp.core.upcoming import UpcomingTask
from bluelamp.credentials.api import certificates_of
from bluelamp.programmes import messages as thread
from bluelamp.programmes import places, progress, selectors, upcoming
from bluelamp.programmes.models import Place, Programme, ProgrammeUnit, UnitSet
from bluelamp.programmes.web.forms_learner import ApplyForm, MessageForm, WithdrawForm

# --- the clock: one place, so that tests fix it (monkeypatch `now`) -------------------------------


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    """London's date: a unit due on 5 November is due all that day in the UK."""
    return london(now()).date()


def url_or_none(name: str, *args) -> str | None:
    """The address of another part's page, or None while that part is not there."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- words and tags shared with the tutors' pages ---------------------------------------------------

STATUS_TAGS: dict[str, str] = {
    Place.Status.MANAGER: "govuk-tag--yellow",
    Place.Status.ADMIN: "govuk-tag--yellow",
    Place.Status.ACTIVE: "govuk-tag--blue",
    Place.Status.COMPLETED: "govuk-tag--green",
    Place.Status.WITHDRAWN: "govuk-tag--grey",
    Place.Status.REFUSED: "govuk-tag--red",
}


@dataclass(frozen=True)
class Tag:
    text: str
    classes: str


def unit_tag(unit: progress.UnitProgress, day: dt.date) -> Tag:
    """A unit's state as the timeline shows it: completed, overdue, due in N days, locked."""
    if unit.done:
        return Tag("Completed", "govuk-tag--green")
    if unit.state == progress.LOCKED:
        return Tag("Locked", "govuk-tag--grey")
    if unit.overdue_on(day):
        return Tag("Overdue", "govuk-tag--red")
    if unit.due_on is not None:
        words = upcoming.due_words(unit.due_on, today=day)
        return Tag(
            words[0].upper() + words[1:],
            "govuk-tag--yellow" if (unit.due_on - day).days <= 14 else "govuk-tag--blue",
        )
    if unit.state == progress.IN_PROGRESS:
        return Tag("In progress", "govuk-tag--light-blue")
    return Tag("Not started", "govuk-tag--grey")


@dataclass(frozen=True)
class TimelineRow:
    unit: progress.UnitProgress
    set_title: str
    tag: Tag


def timeline(standing: progress.Progress, day: dt.date) -> list[TimelineRow]:
    """Every unit, by due date (those without one last, in the programme's order)."""
    titles = {s.unit_set.pk: s.unit_set.title for s in standing.sets}
    order = {id(u): n for n, u in enumerate(standing.units)}
    rows = sorted(standing.units, key=lambda u: (u.due_on or dt.date.max, order[id(u)]))
    return [TimelineRow(u, titles.get(u.unit.unit_set_id, ""), unit_tag(u, day)) for u in rows]


def rule_words(unit_set: UnitSet, count: int) -> str:
    """A set's rule in words, as progress.SetProgress.requirement says it."""
    if unit_set.rule == UnitSet.Rule.AT_LEAST_UNITS:
        return f"At least {unit_set.required_units} of these {count} units"
    if unit_set.rule == UnitSet.Rule.AT_LEAST_CREDITS:
        return f"At least {unit_set.required_credits} credits from these units"
    return "Every unit" if count != 1 else "This unit"


def waiting_for(place: Place) -> str:
    """Whose decision an application waits for, by name where there is one."""
    if place.status == Place.Status.MANAGER:
        manager = place.person.line_manager
        return f"your line manager, {manager.get_full_name()}" if manager else "your line manager"
    return f"the programme's administrators at {place.programme.owner.name}"


def refusal(place: Place) -> tuple[str, str]:
    """Who declined an application and the reason they gave."""
    if place.admin_decided_by_id and place.admin_note:
        return "the programme's administrators", place.admin_note
    if place.manager_decided_by_id:
        manager = place.manager_decided_by
        return (
            f"your line manager, {manager.get_full_name()}" if manager else "your line manager"
        ), place.manager_note
    return "the programme's administrators", place.admin_note


def standing_of(place: Place) -> progress.Progress | None:
    """Progress where there is some to show: on the programme, completed, or withdrawn after
    starting."""
    if place.status in (Place.Status.ACTIVE, Place.Status.COMPLETED) or place.started_at is not None:
        return progress.place_progress(place)
    return None


def unread_for_learner(place: Place) -> int:
    return place.messages.filter(read_by_learner_at__isnull=True).exclude(author_id=place.person_id).count()


# --- the catalogue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    standing: progress.Progress | None

    @property
    def tag(self) -> str:
        return STATUS_TAGS.get(self.place.status, "govuk-tag--grey")


@login_required
@require_GET
def catalogue(request):
    user = request.user
    own = list(selectors.places_of(user))
    standings = progress.places_progress(
        p for p in own if p.status in (Place.Status.ACTIVE, Place.Status.COMPLETED)
    )
    rows = [PlaceRow(p, standings.get(p.pk)) for p in own]
    live = {p.programme_id for p in own if p.status in Place.LIVE}
    return render(
        request,
        "programmes/learner/catalogue.html",
        {
            "title": "Programmes",
            "current": [
                r for r in rows if r.place.status in Place.LIVE or r.place.status == Place.Status.COMPLETED
            ],
            "past": [r for r in rows if r.place.status in (Place.Status.WITHDRAWN, Place.Status.REFUSED)],
            "programmes": selectors.programmes_open_to(user),
            "live": live,
        },
    )


# --- a programme's page, applying ------------------------------------------------------------------


@dataclass(frozen=True)
class SetView:
    unit_set: UnitSet
    units: list[ProgrammeUnit]

    @property
    def rule(self) -> str:
        return rule_words(self.unit_set, len(self.units))

    @property
    def credits(self) -> int:
        return sum(u.credits for u in self.units)


def structure_of(programme: Programme) -> list[SetView]:
    if programme.current_version_id is None:
        return []
    sets: dict[int, SetView] = {}
    for unit in progress.version_units([programme.current_version_id]).get(programme.current_version_id, []):
        sets.setdefault(unit.unit_set_id, SetView(unit.unit_set, [])).units.append(unit)
    return list(sets.values())


def _latest_place(user, programme: Programme) -> Place | None:
    return selectors.places_of(user).filter(programme=programme).first()


@login_required
@require_GET
def programme_detail(request, programme_uuid):
    programme = selectors.access_programme_to_view(request.user, programme_uuid)
    place = _latest_place(request.user, programme)
    sets = structure_of(programme)
    live = place is not None and place.status in Place.LIVE
    return render(
        request,
        "programmes/learner/programme.html",
        {
            "title": programme.title,
            "programme": programme,
            "sets": sets,
            "unit_credits": sum(s.credits for s in sets),
            "cohorts": list(selectors.cohorts_for(programme, request.user).select_related("organisation")),
            "place": place,
            "place_tag": STATUS_TAGS.get(place.status, "") if place else "",
            "may_apply": programme.applications_open
            and not live
            and places.available_to(programme, request.user),
            "today": today(),
            "breadcrumbs": [{"text": "Programmes", "href": reverse("programmes:catalogue")}],
        },
    )


def _manager_words(place: Place) -> str:
    if place.status == Place.Status.MANAGER and place.person.line_manager:
        return place.person.line_manager.get_full_name()
    return f"the programme's administrators at {place.programme.owner.name}"


@login_required
def apply(request, programme_uuid):
    user = request.user
    programme = selectors.access_programme_to_view(user, programme_uuid)
    live = selectors.places_of(user).filter(programme=programme, status__in=Place.LIVE).first()
    if live is not None:
        messages.info(request, f"You have applied for {programme.title} already, or are on it.")
        return redirect("programmes:my_programme", live.uuid)
    cohorts = list(selectors.cohorts_for(programme, user))
    form = ApplyForm(
        request.POST if request.method == "POST" else None,
        cohorts=[(str(c.uuid), f"{c.name}, starting {format_date(c.starts_on)}") for c in cohorts],
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["cohort"]
        cohort = next((c for c in cohorts if str(c.uuid) == chosen), None)
        try:
            place = places.place_apply(
                person=user,
                programme=programme,
                cohort=cohort,
                statement=form.cleaned_data["statement"],
                at=now(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Your application is with {_manager_words(place)}.")
            return redirect("programmes:my_programme", place.uuid)
    back = reverse("programmes:programme", args=[programme.uuid])
    return render(
        request,
        "programmes/learner/apply.html",
        {
            "title": f"Apply for {programme.title}",
            "programme": programme,
            "form": form,
            "open": programme.applications_open and places.available_to(programme, user),
            "back": back,
            "breadcrumbs": [
                {"text": "Programmes", "href": reverse("programmes:catalogue")},
                {"text": programme.title, "href": back},
            ],
        },
    )


# --- the learner's programme ------------------------------------------------------------------------


def place_context(place: Place, day: dt.date) -> dict:
    """What the learner's page and the staff view of a place share: progress, what is next, the
    timeline, the people around the learner."""
    standing = standing_of(place)
    return {
        "place": place,
        "programme": place.programme,
        "standing": standing,
        "next_units": standing.next_units()[:3] if standing and place.status == Place.Status.ACTIVE else [],
        "timeline": timeline(standing, day) if standing else [],
        "behind": standing.behind_plan(day) if standing and place.status == Place.Status.ACTIVE else [],
        "sets_done": sum(1 for s in standing.sets if s.satisfied) if standing else 0,
        "status_tag": STATUS_TAGS.get(place.status, "govuk-tag--grey"),
        "today": day,
        "live": place.status in Place.LIVE,
    }


@login_required
@require_GET
def my_programme(request, place_uuid):
    place = selectors.access_own_place(request.user, place_uuid)
    context = place_context(place, today())
    certificate = None
    if place.status == Place.Status.COMPLETED:
        certificate = certificates_of(request.user).filter(source_ref=str(place.uuid)).first()
    refused_by, refused_reason = refusal(place) if place.status == Place.Status.REFUSED else ("", "")
    context.update(
        {
            "title": place.programme.title,
            "waiting_for": waiting_for(place)
            if place.status in (Place.Status.MANAGER, Place.Status.ADMIN)
            else "",
            "refused_by": refused_by,
            "refused_reason": refused_reason,
            "certificate": certificate,
            "unread": unread_for_learner(place),
            "breadcrumbs": [{"text": "Programmes", "href": reverse("programmes:catalogue")}],
        }
    )
    return render(request, "programmes/learner/my_programme.html", context)


def thread_page(request, place: Place, *, template: str, back: str, breadcrumbs: list[dict], title: str):
    """A place's thread, from either side: read it (marking it read), write in it."""
    user = request.user
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            thread.message_send(actor=user, place=place, body=form.cleaned_data["body"], at=now())
        except PermissionDenied as exc:
            raise Http404("No such place") from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your message is sent.")
            return redirect(request.path)
    learner = user.pk == place.person_id
    listed = list(place.messages.select_related("author").order_by("sent_at", "pk"))
    new = {
        m.pk
        for m in listed
        if m.author_id != user.pk
        and (
            m.read_by_learner_at is None
            if learner
            else (m.read_by_staff_at is None and m.author_id == place.person_id)
        )
    }
    if request.method == "GET" and new:
        thread.messages_mark_read(reader=user, place=place, at=now())
    return render(
        request,
        template,
        {
            "title": title,
            "place": place,
            "programme": place.programme,
            "thread": listed,
            "new": new,
            "form": form,
            "learner": learner,
            "back": back,
            "breadcrumbs": breadcrumbs,
        },
    )


@login_required
def my_programme_messages(request, place_uuid):
    place = selectors.access_own_place(request.user, place_uuid)
    back = reverse("programmes:my_programme", args=[place.uuid])
    return thread_page(
        request,
        place,
        template="programmes/learner/messages.html",
        back=back,
        title=f"Messages about {place.programme.title}",
        breadcrumbs=[
            {"text": "Programmes", "href": reverse("programmes:catalogue")},
            {"text": place.programme.title, "href": back},
        ],
    )


@login_required
def my_withdraw(request, place_uuid):
    place = selectors.access_own_place(request.user, place_uuid)
    back = reverse("programmes:my_programme", args=[place.uuid])
    if place.status not in Place.LIVE:
        messages.info(request, f"You are not on {place.programme.title}: there is nothing to leave.")
        return redirect(back)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        applying = place.status != Place.Status.ACTIVE
        try:
            places.place_withdraw(
                actor=request.user, place=place, reason=form.cleaned_data["reason"], at=now()
            )
        except PermissionDenied as exc:
            raise Http404("No such place") from exc
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Your application for {place.programme.title} is withdrawn."
                if applying
                else f"You have left {place.programme.title}. Your completed units stay on your learning record.",
            )
            return redirect(back)
    return render(
        request,
        "programmes/learner/withdraw.html",
        {
            "title": "Withdraw your application"
            if place.status != Place.Status.ACTIVE
            else "Leave the programme",
            "place": place,
            "programme": place.programme,
            "form": form,
            "back": back,
            "breadcrumbs": [
                {"text": "Programmes", "href": reverse("programmes:catalogue")},
                {"text": place.programme.title, "href": back},
            ],
        },
    )


# --- upcoming tasks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    task: UpcomingTask
    due_words: str
    due_date: str


@dataclass(frozen=True)
class Week:
    heading: str
    dates: str
    rows: list[TaskRow]


def weeks_of(tasks: list[UpcomingTask], day: dt.date) -> list[Week]:
    """Tasks grouped by week (Monday to Sunday): this week, next week, then the week beginning…"""
    monday = day - dt.timedelta(days=day.weekday())
    grouped: dict[dt.date, list[TaskRow]] = {}
    for task in tasks:
        start = task.due_on - dt.timedelta(days=task.due_on.weekday())
        grouped.setdefault(start, []).append(
            TaskRow(task, upcoming.due_words(task.due_on, today=day), upcoming.long_date(task.due_on))
        )
    weeks = []
    for start, rows in sorted(grouped.items()):
        if start == monday:
            heading = "This week"
        elif start == monday + dt.timedelta(days=7):
            heading = "Next week"
        else:
            heading = f"Week beginning {format_date(start)}"
        end = start + dt.timedelta(days=6)
        weeks.append(Week(heading, f"{format_date(max(start, day))} to {format_date(end)}", rows))
    return weeks


@login_required
@require_GET
def upcoming_page(request):
    day = today()
    start, end = upcoming.window(day)
    tasks = upcoming.tasks_for(request.user, start=start, end=end)
    return render(
        request,
        "programmes/learner/upcoming.html",
        {
            "title": "Upcoming tasks",
            "weeks": weeks_of(tasks, day),
            "count": len(tasks),
            "until": format_date(end),
            "days": upcoming.WINDOW_DAYS,
        },
    )
