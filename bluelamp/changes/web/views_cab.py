"""CAB meetings, under /changes/cab/: the list, planning one, and the meeting itself (its agenda,
the members' recommendations, the decisions and the minutes). National service-desk staff and
CAB members read them; CAB members run them. Anyone else is told "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.changes import cab, selectors
from bluelamp.changes.models import CabAgendaItem, CabMeeting
from bluelamp.changes.web import clock
from bluelamp.changes.web.forms import (
    CabDecisionForm,
    CloseMeetingForm,
    MeetingForm,
    RecommendationForm,
    ReviewForm,
)
from bluelamp.changes.web.submit import through_service
from bluelamp.core.forms import add_service_errors

MISSING = "No such meeting"


def _crumbs() -> list[dict]:
    return [
        {"text": "Changes", "href": reverse("changes:rfcs")},
        {"text": "CAB meetings", "href": reverse("changes:meetings")},
    ]


@login_required
def meeting_list(request):
    if not selectors.may_see_changes(request.user):
        raise Http404("No such page")
    return render(
        request,
        "changes/cab/list.html",
        {
            "title": "CAB meetings",
            "meetings": cab.meetings_visible(request.user)[:50],
            "may_run": selectors.may_decide_changes(request.user),
            "waiting": selectors.rfc_list(request.user).filter(status__in=cab.WAITING).count(),
            "to_review": cab.awaiting_review().count(),
            "breadcrumbs": _crumbs()[:1],
        },
    )


@login_required
def meeting_new(request):
    if not selectors.may_decide_changes(request.user):
        raise Http404("No such page")
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = cab.cab_meeting_plan(actor=request.user, starts_at=form.starts_at(), at=clock.now())
        except PermissionDenied:
            raise Http404("No such page") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The meeting is planned with {meeting.items.count()} changes on its agenda."
            )
            return redirect("changes:meeting", meeting_uuid=meeting.uuid)
    return render(
        request,
        "changes/cab/form.html",
        {
            "title": "Plan a CAB meeting",
            "form": form if form.errors else None,
            "meeting_form": form,
            "breadcrumbs": _crumbs(),
        },
        status=400 if form.errors else 200,
    )


def _page(request, meeting: CabMeeting, *, failed=None, failed_item=None, status=200):
    member = selectors.may_decide_changes(request.user)
    items = cab.agenda(meeting)
    open_ = meeting.status == CabMeeting.Status.PLANNED
    for item in items:
        mine = next((r for r in item.recommendations_made if r.member_id == request.user.pk), None)  # type: ignore[attr-defined]
        if failed_item is not None and item.pk == failed_item.pk:
            item.recommend_form = failed if isinstance(failed, RecommendationForm) else RecommendationForm()  # type: ignore[attr-defined]
            item.decide_form = failed if not isinstance(failed, RecommendationForm) else None  # type: ignore[attr-defined]
        else:
            item.recommend_form = RecommendationForm(  # type: ignore[attr-defined]
                initial={"recommendation": mine.recommendation, "comment": mine.comment} if mine else None
            )
            item.decide_form = None  # type: ignore[attr-defined]
        if item.decide_form is None:  # type: ignore[attr-defined]
            item.decide_form = ReviewForm() if item.kind == CabAgendaItem.Kind.REVIEW else CabDecisionForm()  # type: ignore[attr-defined]
    close_form = (
        failed if isinstance(failed, CloseMeetingForm) else CloseMeetingForm(members=selectors.cab_members())
    )
    return render(
        request,
        "changes/cab/meeting.html",
        {
            "title": f"CAB meeting, {meeting.starts_at:%-d %B %Y}",
            "meeting": meeting,
            "items": items,
            "open": open_,
            "member": member,
            "attendees": meeting.attendees.order_by("last_name", "first_name"),
            "close_form": close_form,
            "form": failed if failed is not None and failed.errors else None,
            "breadcrumbs": _crumbs(),
        },
        status=status,
    )


@login_required
def meeting_detail(request, meeting_uuid):
    return _page(request, cab.access_meeting(request.user, meeting_uuid))


def _member_meeting(request, meeting_uuid) -> CabMeeting:
    meeting = cab.access_meeting(request.user, meeting_uuid)
    if not selectors.may_decide_changes(request.user):
        raise Http404(MISSING)
    return meeting


def _item(meeting: CabMeeting, item_id: int) -> CabAgendaItem:
    return get_object_or_404(
        CabAgendaItem.objects.select_related("rfc", "meeting"), meeting=meeting, pk=item_id
    )


def _done(request, meeting, text: str):
    messages.success(request, text)
    return redirect("changes:meeting", meeting_uuid=meeting.uuid)


@login_required
@require_POST
def meeting_refresh(request, meeting_uuid):
    meeting = _member_meeting(request, meeting_uuid)
    try:
        added = cab.cab_agenda_refresh(actor=request.user, meeting=meeting)
    except PermissionDenied:
        raise Http404(MISSING) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("changes:meeting", meeting_uuid=meeting.uuid)
    return _done(
        request, meeting, f"{added} changes added to the agenda." if added else "The agenda is up to date."
    )


@login_required
@require_POST
def item_recommend(request, meeting_uuid, item_id):
    meeting = _member_meeting(request, meeting_uuid)
    item = _item(meeting, item_id)
    form = RecommendationForm(request.POST)
    made = through_service(
        form,
        lambda: cab.cab_recommend(actor=request.user, item=item, at=clock.now(), **form.cleaned_data),
        missing=MISSING,
    )
    if made is None:
        return _page(request, meeting, failed=form, failed_item=item, status=400)
    return _done(request, meeting, f"Your recommendation on {item.rfc.reference} is recorded.")


@login_required
@require_POST
def item_decide(request, meeting_uuid, item_id):
    meeting = _member_meeting(request, meeting_uuid)
    item = _item(meeting, item_id)
    form = (
        ReviewForm(request.POST) if item.kind == CabAgendaItem.Kind.REVIEW else CabDecisionForm(request.POST)
    )
    rfc = through_service(
        form,
        lambda: cab.cab_decide(actor=request.user, item=item, at=clock.now(), **form.cleaned_data),
        missing=MISSING,
    )
    if rfc is None:
        return _page(request, meeting, failed=form, failed_item=item, status=400)
    what = "reviewed" if item.kind == CabAgendaItem.Kind.REVIEW else rfc.get_status_display().lower()
    return _done(request, meeting, f"{rfc.reference} is {what}.")


@login_required
@require_POST
def meeting_close(request, meeting_uuid):
    meeting = _member_meeting(request, meeting_uuid)
    form = CloseMeetingForm(request.POST, members=selectors.cab_members())
    closed = through_service(
        form,
        lambda: cab.cab_meeting_close(
            actor=request.user, meeting=meeting, at=clock.now(), **form.cleaned_data
        ),
        missing=MISSING,
    )
    if closed is None:
        return _page(request, meeting, failed=form, status=400)
    return _done(request, meeting, "The minutes are recorded and the meeting is closed.")
