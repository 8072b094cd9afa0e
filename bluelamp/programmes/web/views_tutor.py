"""Tutors' and concierges' pages (/programmes/…): the caseload of learners they look after, with
each one's progress, what is due next and the risks (behind plan, no activity for a while,
referred work, unread messages); the staff view of one learner's place; its message thread.

Places come through `selectors.caseload` (the user's own learners) and `selectors.access_place`
(the learner, their tutor or concierge, their line manager, the programme's administrators):
anything else is "not found"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Max, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from bluelamp.assessment.api import ReferredWork, referred_work_of
from bluelamp.core.timefmt import LONDON
from bluelamp.programmes import messages as thread
from bluelamp.programmes import places, progress, selectors
from bluelamp.programmes.models import Message, Place
from bluelamp.programmes.web import views_learner
from bluelamp.programmes.web.forms_learner import CaseloadFilterForm

INACTIVE_DAYS = 21


@dataclass
class CaseloadRow:
    """One learner of the caseload and what a tutor needs to know about them."""

    place: Place
    standing: progress.Progress
    last_activity: dt.datetime | None
    inactive_days: int | None  # days without activity, when over the threshold
    behind: list[progress.UnitProgress]
    referred: list[ReferredWork]
    unread: int
    next_due: progress.UnitProgress | None = None
    next_tag: views_learner.Tag | None = None
    risks: list[str] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def last_activity_of(
    standing: progress.Progress, place: Place, message_at: dt.datetime | None
) -> dt.datetime | None:
    """The latest of: work on a unit's course, a unit completed, a message from the learner; else
    when they started."""
    moments = [message_at] if message_at else []
    for unit in standing.units:
        if unit.enrolment is not None:
            moments += [m for m in (unit.enrolment.last_activity_at, unit.enrolment.started_at) if m]
        if unit.completed_on is not None:
            moments.append(_start_of(unit.completed_on))
    if moments:
        return max(moments)
    return place.started_at


def build_rows(
    places_list: list[Place], *, day: dt.date, now: dt.datetime, inactive_after: int
) -> list[CaseloadRow]:
    """Each place's progress and risks. Queries: the versions' units once, the learners' referred
    work, their messages and their learner records once each, whatever the number of learners."""
    units = progress.version_units(p.version_id for p in places_list)
    messages_of: dict[int, tuple[dt.datetime | None, int]] = {
        row["place_id"]: (row["last"], row["unread"])
        for row in Message.objects.filter(place__in=places_list, author_id=F("place__person"))
        .values("place_id")
        .annotate(last=Max("sent_at"), unread=Count("pk", filter=Q(read_by_staff_at__isnull=True)))
    }
    course_ids = {u.course_id for version in units.values() for u in version}
    referred = referred_work_of({p.person_id for p in places_list}, course_ids)
    records = progress.Records.of([p.person_id for p in places_list], course_ids)
    rows = []
    for place in places_list:
        version_units = units.get(place.version_id, [])
        standing = progress.place_progress(place, units=version_units, records=records)
        message_at, unread = messages_of.get(place.pk, (None, 0))
        last = last_activity_of(standing, place, message_at)
        idle = (now - last).days if last else None
        mine = {u.course_id for u in version_units}
        row = CaseloadRow(
            place=place,
            standing=standing,
            last_activity=last,
            inactive_days=idle if idle is not None and idle >= inactive_after else None,
            behind=standing.behind_plan(day),
            referred=[w for w in referred.get(place.person_id, []) if w.course_id in mine],
            unread=unread,
        )
        pending = [u for u in standing.units if not u.done and u.state != progress.LOCKED and u.due_on]
        if pending:
            row.next_due = min(pending, key=lambda u: u.due_on or dt.date.max)
            row.next_tag = views_learner.unit_tag(row.next_due, day)
        if row.behind:
            row.risks.append(
                f"Behind plan: {len(row.behind)} {'unit' if len(row.behind) == 1 else 'units'} overdue"
            )
        if row.inactive_days is not None:
            row.risks.append(f"No activity for {row.inactive_days} days")
        if row.referred:
            row.risks.append(f"Referred work: {len(row.referred)}")
        rows.append(row)
    return rows


@login_required
@require_GET
def caseload(request):
    form = CaseloadFilterForm(request.GET or None)
    inactive_after, only_at_risk = INACTIVE_DAYS, False
    if form.is_bound and form.is_valid():
        inactive_after = form.cleaned_data["inactive_days"] or INACTIVE_DAYS
        only_at_risk = form.cleaned_data["at_risk"]
    all_rows = build_rows(
        list(selectors.caseload(request.user)),
        day=views_learner.today(),
        now=views_learner.now(),
        inactive_after=inactive_after,
    )
    rows = [r for r in all_rows if r.at_risk] if only_at_risk else all_rows
    return render(
        request,
        "programmes/tutor/caseload.html",
        {
            "title": "Your learners",
            "rows": rows,
            "total": len(all_rows),
            "at_risk": sum(1 for r in all_rows if r.at_risk),
            "only_at_risk": only_at_risk,
            "inactive_after": inactive_after,
            "form": form if form.is_bound else CaseloadFilterForm(initial={"inactive_days": INACTIVE_DAYS}),
        },
    )


# --- one learner's place, from the staff side ------------------------------------------------------


def _staff_breadcrumbs(request, place: Place) -> list[dict]:
    if selectors.caseload(request.user).filter(pk=place.pk).exists():
        return [{"text": "Your learners", "href": reverse("programmes:caseload")}]
    places_url = views_learner.url_or_none("programmes:places", place.programme.uuid)
    if places_url and places.may_decide_as_admin(request.user, place):
        return [{"text": place.programme.title, "href": places_url}]
    return []


@login_required
@require_GET
def place_detail(request, place_uuid):
    place = selectors.access_place(request.user, place_uuid)
    if place.person_id == request.user.pk:
        return redirect("programmes:my_programme", place.uuid)
    day = views_learner.today()
    context = views_learner.place_context(place, day)
    standing = context["standing"]
    risks: list[str] = []
    referred: list[ReferredWork] = []
    last_activity = None
    if standing is not None:
        row = build_rows([place], day=day, now=views_learner.now(), inactive_after=INACTIVE_DAYS)[0]
        risks, referred, last_activity = row.risks, row.referred, row.last_activity
    administers = places.may_decide_as_admin(request.user, place)
    actions = []
    if administers and place.status in Place.LIVE:
        for name, text in (
            ("programmes:place_allocate", "Allocate tutor and concierge"),
            ("programmes:place_registration", "Registration number"),
            ("programmes:place_withdraw", "Withdraw from the programme"),
        ):
            href = views_learner.url_or_none(name, place.uuid)
            if href:
                actions.append({"href": href, "text": text})
    if place.status in (Place.Status.MANAGER, Place.Status.ADMIN):
        decide = views_learner.url_or_none("programmes:application", place.uuid)
        if decide and (administers or place.person.line_manager_id == request.user.pk):
            actions.insert(0, {"href": decide, "text": "Decide the application"})
    context.update(
        {
            "title": f"{place.person.get_full_name()}: {place.programme.title}",
            "learner": place.person,
            "risks": risks,
            "referred": referred,
            "last_activity": last_activity,
            "actions": actions,
            "may_message": thread.may_write(request.user, place),
            "unread": place.messages.filter(read_by_staff_at__isnull=True, author_id=place.person_id).count(),
            "breadcrumbs": _staff_breadcrumbs(request, place),
        }
    )
    return render(request, "programmes/tutor/place.html", context)


@login_required
def place_messages(request, place_uuid):
    place = selectors.access_place(request.user, place_uuid)
    if place.person_id == request.user.pk:
        return redirect("programmes:my_programme_messages", place.uuid)
    if not thread.may_write(request.user, place):
        raise Http404("No such place")
    back = reverse("programmes:place", args=[place.uuid])
    return views_learner.thread_page(
        request,
        place,
        template="programmes/tutor/messages.html",
        back=back,
        title=f"Messages with {place.person.get_full_name()}",
        breadcrumbs=[
            *_staff_breadcrumbs(request, place),
            {"text": place.person.get_full_name(), "href": back},
        ],
    )
