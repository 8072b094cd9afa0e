"""The learner's pages: the catalogue, a course, its activities, the SCORM player and "My learning".

SCORM content is served from a separate content origin (bluelamp.learning.scorm.content_host),
never with the site's session; the runtime (scorm-again) stays in the player page and talks to
the content across origins, and posts commits to `sco_commit`.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from bluelamp.core.endpoints import machine_endpoint
from bluelamp.core.fragments import cached_html, csrf_mark, fill_csrf, render_part
from bluelamp.core.links import LinkPattern
from bluelamp.learning import progress as progress_services
from bluelamp.learning import selectors
from bluelamp.learning.catalogue import access_course as access_cached_course
from bluelamp.learning.catalogue import activities_of as cached_activities_of
from bluelamp.learning.catalogue import catalogue_page, catalogue_tags
from bluelamp.learning.catalogue import generation as catalogue_generation
from bluelamp.learning.catalogue import visibility as catalogue_visibility
from bluelamp.learning.enrolments import enrol_self, unenrol
from bluelamp.learning.kinds import registered_kind
from bluelamp.learning.mine import enrolled_course_ids, my_learning_page
from bluelamp.learning.mine import has_reports as learner_has_reports
from bluelamp.learning.mine import version as my_learning_version
from bluelamp.learning.models import Activity, ActivityProgress, Enrolment, Sco, ScormPackage
from bluelamp.learning.scorm import content_host, storage
from bluelamp.learning.scorm.cmi import CommitError
from bluelamp.learning.text import markdown_as_text, render_markdown

PAGE_SIZE = 20
DURATIONS = [
    ("", "Any length"),
    ("short", "Up to 30 minutes"),
    ("medium", "30 minutes to 2 hours"),
    ("long", "Over 2 hours"),
]
OWNERS = [("", "All courses"), ("national", "National courses"), ("own", "Your organisation's courses")]


def _duration(minutes: int | None) -> str:
    if not minutes:
        return ""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} minutes"
    text = f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{text} {rest} minutes" if rest else text


@login_required
@require_GET
def catalogue(request):
    query = request.GET.get("q", "").strip()[:200]
    owner = request.GET.get("owner", "")
    owner = owner if owner in dict(OWNERS) else ""
    tag = request.GET.get("tag", "")[:50]
    duration = request.GET.get("duration", "")
    duration = duration if duration in dict(DURATIONS) else ""
    page = catalogue_page(
        request.user,
        query=query,
        owner=owner,
        tag=tag,
        duration=duration,
        page=request.GET.get("page"),
        per_page=PAGE_SIZE,
    )
    enrolled = enrolled_course_ids(request.user).intersection(page.object_list.pks)
    context = {
        "page": page,
        "query": query,
        "owner": owner,
        "tag": tag,
        "duration": duration,
        "owners": OWNERS,
        "durations": DURATIONS,
        "enrolled": enrolled,
        "duration_text": _duration,
        "summary_text": markdown_as_text,
        "course_url": LinkPattern("learning:course", None),
        "request": request,  # the pages' links keep the query string
    }
    # The same for everyone whose organisation reaches the same owners, asking the same query
    # string, with the same courses of the page enrolled on.
    main_html = cached_html(
        (
            "learning:catalogue-main",
            catalogue_generation(),
            catalogue_visibility(request.user),
            sorted(request.GET.lists()),
            page.number,
            sorted(enrolled),
        ),
        settings.CATALOGUE_CACHE_SECONDS,
        lambda: render_part(
            "learning/parts/catalogue_main.html", {**context, "tags": catalogue_tags(request.user)}
        ),
    )
    return render(request, "learning/catalogue.html", {"title": "Find a course", "main_html": main_html})


def _activity_rows(enrolment: Enrolment | None, version) -> list[dict]:
    done = selectors.progress_by_activity(enrolment) if enrolment else {}
    rows = []
    for activity in cached_activities_of(version):
        p = done.get(activity.pk)
        rows.append(
            {"activity": activity, "progress": p, "status": p.get_status_display() if p else "Not started"}
        )
    return rows


@login_required
@require_GET
def course_detail(request, course_uuid):
    course = access_cached_course(request.user, course_uuid)

    def draw() -> str:
        enrolment = selectors.live_enrolment(request.user, course)
        version = enrolment.version if enrolment else course.current_version
        rows = _activity_rows(enrolment, version) if version else []
        resume_url = None
        if enrolment:
            # Where "Resume" goes, from the activities and progress the page has just read.
            progress = {
                row["activity"].pk: {
                    "status": row["progress"].status,
                    "updated_at": row["progress"].updated_at,
                }
                for row in rows
                if row["progress"] is not None
            }
            resume_url = _resume_url(
                enrolment, selectors.resume_activity([row["activity"].pk for row in rows], progress)
            )
        available = selectors.course_available_to(course, request.user.organisation_id)
        return render_part(
            "learning/parts/course_main.html",
            {
                "course": course,
                "enrolment": enrolment,
                "version": version,
                "rows": rows,
                "can_enrol": enrolment is None and course.self_enrolment and available,
                "available": available,
                "newer_version": enrolment is not None
                and course.current_version_id
                and course.current_version_id != enrolment.version_id,
                "resume_url": resume_url,
                "duration": _duration(course.duration_minutes),
                "summary_html": render_markdown(course.summary),
                "csrf_input": csrf_mark(),
            },
        )

    # Drawn again when the learner's enrolments or progress change, or the course does (their
    # My learning version holds both), or the licences their organisation holds.
    main_html = cached_html(
        (
            "learning:course-main",
            str(course.uuid),
            my_learning_version(request.user.pk),
            catalogue_visibility(request.user),
        ),
        settings.MY_LEARNING_CACHE_SECONDS,
        draw,
    )
    return render(
        request,
        "learning/course.html",
        {
            "title": course.title,
            "main_html": fill_csrf(main_html, request),
            "breadcrumbs": [
                {"text": "Find a course", "href": reverse("learning:catalogue")},
            ],
        },
    )


@login_required
@require_POST
def course_enrol(request, course_uuid):
    course = selectors.access_course(request.user, course_uuid)
    try:
        enrolment = enrol_self(person=request.user, course=course)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("learning:course", course.uuid)
    messages.success(request, f"You are enrolled on {course.title}.")
    return HttpResponseRedirect(_resume_url(enrolment))


@login_required
@require_POST
def course_leave(request, course_uuid):
    course = selectors.access_course(request.user, course_uuid)
    enrolment = selectors.live_enrolment(request.user, course)
    if enrolment is None:
        raise Http404("Not enrolled")
    try:
        unenrol(actor=request.user, enrolment=enrolment, reason="Left by the learner")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("learning:course", course.uuid)
    messages.success(request, f"You have left {course.title}. Your progress so far is kept.")
    return redirect("learning:my_learning")


def _resume_url(enrolment: Enrolment, activity_id: int | None = -1) -> str:
    """Straight back into the activity last worked on (for e-learning, its last part), else the
    first one not yet complete; a finished course goes to its page."""
    if enrolment.status == Enrolment.Status.COMPLETED:
        return reverse("learning:course", args=[enrolment.course.uuid])
    if activity_id == -1:
        activity_id = getattr(enrolment, "resume_activity_id", -1)
    if activity_id == -1:
        activity_id = selectors.enrolment_resume_activity(enrolment)
    if activity_id is None:
        return reverse("learning:course", args=[enrolment.course.uuid])
    return reverse("learning:activity", args=[enrolment.uuid, activity_id])


def _activity(enrolment: Enrolment, activity_id: int) -> Activity:
    activity = (
        Activity.objects.select_related("scorm_package")
        .filter(pk=activity_id, version=enrolment.version)
        .first()
    )
    if activity is None:
        raise Http404("No such activity")
    return activity


def _neighbours(enrolment: Enrolment, activity: Activity) -> tuple[Activity | None, Activity | None]:
    activities = list(selectors.activities_of(enrolment.version))
    index = next(i for i, a in enumerate(activities) if a.pk == activity.pk)
    return (
        activities[index - 1] if index else None,
        activities[index + 1] if index + 1 < len(activities) else None,
    )


@login_required
@require_GET
def activity(request, enrolment_uuid, activity_id):
    enrolment = selectors.access_own_enrolment(request.user, enrolment_uuid)
    act = _activity(enrolment, activity_id)
    registered = registered_kind(act.kind)
    if registered is not None:
        # A quiz or an assignment: its own domain's page takes the learner from here.
        return redirect(registered.learner_url(enrolment, act))
    if act.kind == Activity.Kind.SCORM:
        sco = _sco_to_resume(enrolment, act)
        return redirect("learning:play", enrolment.uuid, act.pk, sco.pk)
    if act.kind == Activity.Kind.PAGE:
        progress_services.activity_open(enrolment=enrolment, activity=act)
    previous, following = _neighbours(enrolment, act)
    p = ActivityProgress.objects.filter(enrolment=enrolment, activity=act).first()
    return render(
        request,
        "learning/activity.html",
        {
            "title": act.title,
            "enrolment": enrolment,
            "course": enrolment.course,
            "activity": act,
            "progress": p,
            "body_html": render_markdown(act.body),
            "previous": previous,
            "following": following,
            "breadcrumbs": [
                {"text": "My learning", "href": reverse("learning:my_learning")},
                {
                    "text": enrolment.course.title,
                    "href": reverse("learning:course", args=[enrolment.course.uuid]),
                },
            ],
        },
    )


@login_required
@require_POST
def activity_done(request, enrolment_uuid, activity_id):
    enrolment = selectors.access_own_enrolment(request.user, enrolment_uuid)
    act = _activity(enrolment, activity_id)
    try:
        progress_services.activity_mark_done(enrolment=enrolment, activity=act)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    enrolment.refresh_from_db()
    if enrolment.status == Enrolment.Status.COMPLETED:
        messages.success(
            request, f"You have completed {enrolment.course.title}. It is on your learning record."
        )
        return redirect("learning:course", enrolment.course.uuid)
    return redirect("learning:activity", enrolment.uuid, act.pk)


@login_required
@require_GET
def activity_open(request, enrolment_uuid, activity_id):
    """Open a file or an external link: recorded (which completes it), then sent on."""
    enrolment = selectors.access_own_enrolment(request.user, enrolment_uuid)
    act = _activity(enrolment, activity_id)
    if act.kind == Activity.Kind.LINK:
        if not act.url.startswith(("https://", "http://")):
            raise Http404("No such link")
        progress_services.activity_open(enrolment=enrolment, activity=act)
        return HttpResponseRedirect(act.url)
    if act.kind in (Activity.Kind.FILE, Activity.Kind.MEDIA) and act.file:
        if act.kind == Activity.Kind.FILE:
            progress_services.activity_open(enrolment=enrolment, activity=act)
        name = act.file.name.rsplit("/", 1)[-1]
        response = FileResponse(
            act.file.open("rb"),
            content_type=storage.content_type(name),
            as_attachment=act.kind == Activity.Kind.FILE,
            filename=name,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response
    raise Http404("Nothing to open")


# --- SCORM ----------------------------------------------------------------------------------------


def _sco_to_resume(enrolment: Enrolment, activity: Activity) -> Sco:
    scos = selectors.scos_of(activity)
    if not scos:
        raise Http404("The package has nothing to launch")
    p = (
        ActivityProgress.objects.filter(enrolment=enrolment, activity=activity)
        .select_related("last_sco")
        .first()
    )
    attempts = selectors.sco_attempts(enrolment, activity)
    last = next((s for s in scos if p and s.pk == p.last_sco_id), None)
    if last is not None and getattr(attempts.get(last.pk), "completion_status", "") != "completed":
        return last  # where they left off
    for sco in scos:
        attempt = attempts.get(sco.pk)
        if attempt is None or attempt.completion_status != "completed":
            return sco  # the next part not yet done
    return last or scos[0]  # all done: back to where they were


@login_required
@require_GET
@xframe_options_sameorigin
def play(request, enrolment_uuid, activity_id, sco_id):
    enrolment = selectors.access_own_enrolment(request.user, enrolment_uuid)
    act = _activity(enrolment, activity_id)
    if act.kind != Activity.Kind.SCORM:
        raise Http404("Not e-learning")
    scos = selectors.scos_of(act)
    sco = next((s for s in scos if s.pk == sco_id), None)
    if sco is None:
        raise Http404("No such part")
    package: ScormPackage = act.scorm_package
    launch = progress_services.sco_launch(enrolment=enrolment, activity=act, sco=sco)
    attempts = selectors.sco_attempts(enrolment, act)
    index = next(i for i, s in enumerate(scos) if s.pk == sco.pk)
    config = {
        "version": package.version,
        "session": str(launch.session.uuid),
        "commitUrl": reverse("learning:sco_commit", args=[launch.session.uuid]),
        "contentOrigin": content_host.content_origin_for(request),
        "data": launch.data,
    }
    response = render(
        request,
        "learning/player.html",
        {
            "title": f"{sco.title} – {enrolment.course.title}",
            "enrolment": enrolment,
            "course": enrolment.course,
            "activity": act,
            "sco": sco,
            "scos": [
                {
                    "sco": s,
                    "status": _sco_status(attempts.get(s.pk)),
                    "current": s.pk == sco.pk,
                }
                for s in scos
            ],
            "previous": scos[index - 1] if index else None,
            "following": scos[index + 1] if index + 1 < len(scos) else None,
            "content_url": content_host.launch_url(
                request=request,
                package_uuid=package.uuid,
                person_id=request.user.pk,
                href=sco.href,
                parameters=sco.parameters,
                title=sco.title,
            ),
            "config": config,
            "config_json": json.dumps(config),
        },
    )
    # The one page that frames anything: the content origin (CSP, django-csp).
    response._csp_replace = {"frame-src": [config["contentOrigin"]]}
    return response


def _sco_status(attempt) -> str:
    if attempt is None:
        return "Not started"
    if attempt.success_status == "failed":
        return "Not passed"
    if attempt.completion_status == "completed":
        return "Completed"
    return "In progress"


def _same_origin(request) -> bool:
    """The request comes from a page of this site (Origin, or failing that Referer)."""
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if not source:
        return False
    expected = f"{request.scheme}://{request.get_host()}"
    return source == expected or source.startswith(expected + "/")


@machine_endpoint
@csrf_exempt
@login_required
@require_POST
def sco_commit(request, session_uuid):
    """The runtime's commit: JSON {session, sequence, terminate, cmi}.

    Not behind Django's CSRF token: the runtime sends its terminate commit with
    navigator.sendBeacon, which cannot carry the header. Instead the session's uuid (random,
    given only to the learner's player page, bound to the learner) is the secret in the URL, and
    the request must come from this site (Origin/Referer) — the same checks CSRF protection makes.

    A model with a value SCORM does not allow is answered 200 with {"result": false, "errorCode":
    101 (1.2) or 391 (2004)}: scorm-again passes a 2xx answer's code on to the content's Commit
    (any other status becomes 101), and those are the codes the standards give a failed Commit.
    A request that is no commit at all (not JSON, no sequence number) is answered 400.
    """
    if not _same_origin(request):
        return JsonResponse(
            {"result": False, "errorCode": 101, "message": "Commits come from the player only."}, status=403
        )
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        return JsonResponse(
            {"result": False, "errorCode": 101, "message": "The commit is not JSON."}, status=400
        )
    if not isinstance(payload, dict):
        return JsonResponse(
            {"result": False, "errorCode": 101, "message": "The commit is not an object."}, status=400
        )
    try:
        outcome = progress_services.sco_commit(
            person=request.user,
            session_uuid=session_uuid,
            sequence=payload.get("sequence"),
            data=payload.get("cmi"),
            terminate=bool(payload.get("terminate")),
        )
    except CommitError as error:
        if not error.element:
            return JsonResponse({"result": False, "errorCode": 101, "message": str(error)}, status=400)
        return JsonResponse(
            {
                "result": False,
                "errorCode": error.commit_error_code,
                "dataModelErrorCode": error.data_model_error_code,
                "element": error.element,
                "message": str(error),
            }
        )
    attempt = outcome.attempt
    return JsonResponse(
        {
            "result": True,
            "errorCode": 0,
            "stored": outcome.stored,
            "completion_status": attempt.completion_status,
            "success_status": attempt.success_status,
        }
    )


LEARNING_GROUPS = [("in_progress", "In progress"), ("not_started", "Not started"), ("completed", "Completed")]


@login_required
@require_GET
def my_learning(request):
    """One group of the learner's enrolments at a time (`?show=`), a page of them (`?page=`)."""
    today = timezone.localdate()
    has_reports = learner_has_reports(request.user)

    def draw() -> str:
        learning = my_learning_page(
            request.user, show=request.GET.get("show", ""), page=request.GET.get("page"), per_page=PAGE_SIZE
        )
        show, page = learning.show, learning.page
        # The page links name the group shown: page 2 stays in it even when the default changes.
        pages_query = request.GET.copy()
        pages_query["show"] = show
        course_url = LinkPattern("learning:course", None)
        activity_url = LinkPattern.with_number("learning:activity")

        def resume_url(enrolment) -> str:
            activity_id = enrolment.resume_activity_id
            if enrolment.status == Enrolment.Status.COMPLETED or activity_id is None:
                return course_url(enrolment.course.uuid)
            return activity_url(enrolment.uuid, activity_id)

        return render_part(
            "learning/parts/my_learning_main.html",
            {
                "request": request,  # the group links keep the query string
                "groups": [
                    {"name": name, "label": label, "count": learning.counts[name], "current": name == show}
                    for name, label in LEARNING_GROUPS
                ],
                "show": show,
                "label": dict(LEARNING_GROUPS)[show],
                "page": page,
                "pages_of": SimpleNamespace(GET=pages_query),  # what the pagination links build on
                "resume_url": resume_url,
                "course_url": course_url,
                "today": today,
                "has_reports": has_reports,
            },
        )

    # Drawn again when the learner's enrolments or progress change (their version), a course
    # changes (the catalogue's generation), or a day passes ("Overdue").
    main_html = cached_html(
        (
            "learning:my-learning-main",
            request.user.pk,
            my_learning_version(request.user.pk),
            sorted(request.GET.lists()),
            today.isoformat(),
            has_reports,
        ),
        settings.MY_LEARNING_CACHE_SECONDS,
        draw,
    )
    return render(request, "learning/my_learning.html", {"title": "My learning", "main_html": main_html})
