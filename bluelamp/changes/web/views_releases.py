"""Releases, under /changes/releases/: the forward list, planning one (its day checked against the
notice licensees must get), and one release. For national service-desk staff and CAB members to
read; the service's leads plan them. Anyone else is told "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bluelamp.changes import selectors, services
from bluelamp.changes.models import Release, ReleaseGuide
from bluelamp.changes.notice import RULES, ReleaseType, earliest_release_day
from bluelamp.changes.web import clock
from bluelamp.changes.web.forms import GuideForm, ReleaseForm, RescheduleForm
from bluelamp.changes.web.submit import through_service
from bluelamp.core.forms import add_service_errors
from bluelamp.servicedesk.api import ATTACHMENT_ACCEPT


def _crumbs() -> list[dict]:
    return [
        {"text": "Changes", "href": reverse("changes:rfcs")},
        {"text": "Releases", "href": reverse("changes:releases")},
    ]


def _notice_table(today):
    """Each kind of release with its notice period and the earliest day it could go live if its
    notice went today; the seed's impact on licensees, the contact centre and business admin."""
    return [
        {
            "type": label,
            "rule": RULES[value],
            "earliest": earliest_release_day(value, today),
        }
        for value, label in ReleaseType.choices
    ]


@login_required
def release_list(request):
    if not selectors.may_see_changes(request.user):
        raise Http404("No such page")
    today = clock.today()
    releases = selectors.release_list(request.user)
    return render(
        request,
        "changes/releases/list.html",
        {
            "title": "Releases",
            "upcoming": releases.exclude(status__in=[Release.Status.DEPLOYED, Release.Status.CANCELLED]),
            "past": releases.filter(status__in=[Release.Status.DEPLOYED, Release.Status.CANCELLED]).order_by(
                "-planned_for", "-pk"
            )[:20],
            "may_plan": selectors.may_manage_releases(request.user),
            "notice": _notice_table(today),
            "today": today,
            "breadcrumbs": _crumbs()[:1],
        },
    )


@login_required
def release_new(request):
    if not selectors.may_manage_releases(request.user):
        raise Http404("No such page")
    today = clock.today()
    form = ReleaseForm(request.POST or None, changes=selectors.approved_unreleased(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            release = services.release_create(
                actor=request.user,
                data=services.ReleaseInput(
                    title=data["title"],
                    type=data["type"],
                    planned_for=data["planned_for"],
                    summary=data["summary"],
                    who_is_affected=data["who_is_affected"],
                    faqs=data["faqs"],
                    changes=tuple(data["changes"]),
                    emergency_reason=data["emergency_reason"],
                ),
                at=clock.now(),
            )
        except PermissionDenied:
            raise Http404("No such page") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{release.reference} is planned for {release.planned_for:%-d %B %Y}.")
            return redirect("changes:release", reference=release.reference)
    return render(
        request,
        "changes/releases/form.html",
        {
            "title": "Plan a release",
            "form": form if form.errors else None,
            "release_form": form,
            "notice": _notice_table(today),
            "today": today,
            "breadcrumbs": _crumbs(),
        },
        status=400 if form.errors else 200,
    )


def _detail(request, release, *, form=None, guide_form=None, status=200):
    today = clock.today()
    form = form or RescheduleForm(initial={"planned_for": release.planned_for})
    guide_form = guide_form or GuideForm()
    notice_from = release.notice_on or today
    return render(
        request,
        "changes/releases/detail.html",
        {
            "title": f"{release.reference}: {release.title}",
            "release": release,
            "rule": RULES[release.type],
            "notice_from": notice_from,
            "earliest": earliest_release_day(release.type, notice_from),
            "changes": release.changes.order_by("reference"),
            "may_plan": selectors.may_manage_releases(request.user)
            and release.status in (Release.Status.PLANNED, Release.Status.ANNOUNCED),
            "form": form if form.errors else (guide_form if guide_form.errors else None),
            "reschedule_form": form,
            "guide_form": guide_form,
            "guide_accept": ATTACHMENT_ACCEPT,
            "guides": release.guides.order_by("uploaded_at", "pk"),
            "breadcrumbs": _crumbs(),
        },
        status=status,
    )


@login_required
@require_POST
def release_guide_add(request, reference):
    release = selectors.access_release(request.user, reference)
    if not selectors.may_manage_releases(request.user):
        raise Http404("No such release")
    form = GuideForm(request.POST, request.FILES)
    guide = through_service(
        form,
        lambda: services.release_guide_add(
            actor=request.user,
            release=release,
            title=form.cleaned_data["title"],
            upload=form.cleaned_data["file"],
            at=clock.now(),
        ),
        missing="No such release",
    )
    if guide is None:
        return _detail(request, release, guide_form=form, status=400)
    messages.success(request, f"“{guide.title}” is attached to the release notes.")
    return redirect("changes:release", reference=release.reference)


@login_required
@require_POST
def release_guide_remove(request, reference, guide_id):
    release = selectors.access_release(request.user, reference)
    if not selectors.may_manage_releases(request.user):
        raise Http404("No such release")
    guide = get_object_or_404(ReleaseGuide, release=release, pk=guide_id)
    try:
        services.release_guide_remove(actor=request.user, guide=guide)
    except PermissionDenied:
        raise Http404("No such release") from None
    messages.success(request, f"“{guide.title}” is removed from the release notes.")
    return redirect("changes:release", reference=release.reference)


def _guide_file(guide: ReleaseGuide) -> FileResponse:
    response = FileResponse(
        guide.file.open("rb"), as_attachment=True, filename=guide.name, content_type=guide.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def release_guide(request, reference, guide_id):
    """A guide, for those who see the release (before it is public too)."""
    release = selectors.access_release(request.user, reference)
    return _guide_file(get_object_or_404(ReleaseGuide, release=release, pk=guide_id))


@login_required
def release_detail(request, reference):
    return _detail(request, selectors.access_release(request.user, reference))


@login_required
@require_POST
def release_reschedule(request, reference):
    release = selectors.access_release(request.user, reference)
    if not selectors.may_manage_releases(request.user):
        raise Http404("No such release")
    form = RescheduleForm(request.POST)
    moved = through_service(
        form,
        lambda: services.release_reschedule(
            actor=request.user, release=release, at=clock.now(), **form.cleaned_data
        ),
        missing="No such release",
    )
    if moved is None:
        return _detail(request, release, form=form, status=400)
    messages.success(request, f"{moved.reference} now goes live on {moved.planned_for:%-d %B %Y}.")
    return redirect("changes:release", reference=moved.reference)


def _release_action(request, reference, action, done: str):
    release = selectors.access_release(request.user, reference)
    if not selectors.may_manage_releases(request.user):
        raise Http404("No such release")
    try:
        sent = action(actor=request.user, release=release, at=clock.now())
    except PermissionDenied:
        raise Http404("No such release") from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done.format(reference=release.reference, sent=sent))
    return redirect("changes:release", reference=release.reference)


@login_required
@require_POST
def release_announce(request, reference):
    return _release_action(
        request,
        reference,
        services.release_announce,
        "{reference} is announced: its notes went to {sent} key contacts.",
    )


@login_required
@require_POST
def release_deploy(request, reference):
    return _release_action(
        request,
        reference,
        services.release_deploy,
        "{reference} is live: its notes went to {sent} key contacts.",
    )


# --- the public release notes --------------------------------------------------------------------

PUBLIC = (Release.Status.ANNOUNCED, Release.Status.DEPLOYED)


def public_list(request):
    """Announced and deployed releases, for anyone (licensees, learners, the public)."""
    releases = Release.objects.filter(status__in=PUBLIC)
    return render(
        request,
        "changes/public/list.html",
        {
            "title": "Release notes",
            "coming": releases.filter(status=Release.Status.ANNOUNCED).order_by("planned_for", "pk"),
            "live": releases.filter(status=Release.Status.DEPLOYED).order_by("-planned_for", "-pk")[:50],
        },
    )


def _public_release(reference) -> Release:
    release = Release.objects.filter(status__in=PUBLIC, reference=(reference or "").strip().upper()).first()
    if release is None:
        raise Http404("No such release notes")
    return release


def public_guide(request, reference, guide_id):
    """A guide of announced or deployed release notes, for anyone."""
    return _guide_file(get_object_or_404(ReleaseGuide, release=_public_release(reference), pk=guide_id))


def public_detail(request, reference):
    release = _public_release(reference)
    return render(
        request,
        "changes/public/detail.html",
        {
            "title": f"Release notes: {release.title}",
            "release": release,
            "rule": RULES[release.type],
            "guides": release.guides.order_by("uploaded_at", "pk"),
            "breadcrumbs": [{"text": "Release notes", "href": reverse("release_notes")}],
        },
    )
