"""The learner's assignment page: the brief, the criteria, their own due date, their work (save a
draft, submit the final version with the declaration), what they handed in, and their marks and
feedback once released; starting a resubmission after a referral; their own files. Only for a
person whose live enrolment holds the assignment; anyone else is told "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bluelamp.assessment.assignments import rules, selectors, services
from bluelamp.assessment.assignments.files import DEFAULT_FILE_TYPES, types_in_words
from bluelamp.assessment.assignments.models import Assignment, Submission, SubmissionFile
from bluelamp.assessment.assignments.submitting import may_resubmit
from bluelamp.assessment.assignments.web import clock
from bluelamp.assessment.assignments.web.forms import WorkForm
from bluelamp.assessment.shared.text import render_text
from bluelamp.core.forms import add_service_errors


def _late_policy_words(assignment: Assignment) -> str:
    if assignment.late_policy == Assignment.LatePolicy.REFUSE:
        return "Late work is not accepted."
    if assignment.late_policy == Assignment.LatePolicy.PENALTY:
        per_day = f"{assignment.late_penalty_percent_per_day.normalize():f}"
        cap = f"{assignment.late_penalty_cap_percent.normalize():f}"
        return f"Late work loses {per_day}% of its grade for each day or part of a day late, up to {cap}%."
    return "Late work is accepted and marked as late."


def _released_view(submission: Submission) -> dict | None:
    """What the learner may see of their marks: nothing until the submission is released."""
    if not submission.is_released:
        return None
    return {
        "outcome": submission.get_outcome_display() if submission.outcome else "",
        "grade": submission.final_grade if submission.final_grade is not None else submission.grade,
        "points": submission.points,
        "feedback_html": render_text(submission.feedback, "markdown"),
        "judgements": list(submission.judgements.all()),
        "feedback_files": [f for f in submission.files.all() if f.kind == SubmissionFile.Kind.FEEDBACK],
        "referred": submission.referred,
        "passed": submission.passed,
        "may_resubmit": may_resubmit(submission),
    }


def _crumbs(assignment: Assignment) -> list[dict]:
    return [
        {"text": "My learning", "href": reverse("learning:my_learning")},
        {"text": assignment.course.title, "href": reverse("learning:course", args=[assignment.course.uuid])},
    ]


def _page(request, assignment: Assignment, enrolment, *, form=None, status=200):
    person = request.user
    attempts = selectors.submissions_of(assignment, person)
    current = attempts[-1] if attempts else None
    extension = selectors.extension_in_force(assignment, person)
    deadline = selectors.person_deadline(assignment, person, submission=current, extension=extension)
    now = clock.now()
    editable = current is None or current.status == Submission.Status.DRAFT
    closed = rules.is_closed(deadline, now)
    if form is None and editable and not closed:
        form = WorkForm(
            assignment=assignment, initial={"online_text": current.online_text if current else ""}
        )
    criteria = list(assignment.criteria.prefetch_related("levels").order_by("order", "pk"))
    history = [
        {
            "submission": s,
            "files": [f for f in s.files.all() if f.kind == SubmissionFile.Kind.SUBMISSION],
            "released": _released_view(s),
            "late_words": rules.duration_in_words(s.late_by_seconds) if s.late else "",
            "text_html": render_text(s.online_text, "plain")
            if s.status == Submission.Status.SUBMITTED
            else "",
        }
        for s in reversed(attempts)
    ]
    over_limit = bool(
        current and assignment.word_limit and current.word_count > assignment.word_limit and editable
    )
    return render(
        request,
        "assessment/assignments/learner.html",
        {
            "title": assignment.title,
            "assignment": assignment,
            "enrolment": enrolment,
            "brief_html": render_text(assignment.brief, "markdown"),
            "criteria": criteria,
            "rubric": assignment.grading == Assignment.Grading.RUBRIC,
            "deadline": deadline,
            "extension": extension,
            "late_policy": _late_policy_words(assignment),
            "file_types": types_in_words(assignment.allowed_file_types or list(DEFAULT_FILE_TYPES)),
            "current": current,
            "current_files": [f for f in current.files.all() if f.kind == SubmissionFile.Kind.SUBMISSION]
            if current
            else [],
            "editable": editable,
            "closed": closed and editable,
            "late_now": editable and not closed and rules.late_by(deadline, now) > 0,
            "over_limit": over_limit,
            "history": history,
            "form": form if form is not None and form.errors else None,
            "work_form": form,
            "breadcrumbs": _crumbs(assignment),
        },
        status=status,
    )


@login_required
def assignment_learner(request, assignment_uuid):
    assignment, enrolment = selectors.access_assignment_as_learner(request.user, assignment_uuid)
    if request.method != "POST":
        return _page(request, assignment, enrolment)
    form = WorkForm(request.POST, request.FILES, assignment=assignment)
    if not form.is_valid():
        return _page(request, assignment, enrolment, form=form, status=400)
    final = request.POST.get("action") == "submit"
    text = form.cleaned_data.get("online_text") if assignment.accepts_online_text else None
    uploads = request.FILES.getlist("uploads") if assignment.accepts_files else []
    try:
        if final:
            submission = services.submission_submit(
                actor=request.user,
                assignment=assignment,
                online_text=text,
                uploads=uploads,
                declaration=bool(form.cleaned_data.get("declaration")),
                at=clock.now(),
            )
        else:
            submission = services.submission_save_draft(
                actor=request.user, assignment=assignment, online_text=text, uploads=uploads, at=clock.now()
            )
    except PermissionDenied:
        raise Http404("No such assignment") from None
    except ValidationError as error:
        add_service_errors(form, error)
        if uploads and "uploads" not in getattr(error, "error_dict", {}):
            form.add_error(None, "Your files were not kept: choose them again.")
        return _page(request, assignment, enrolment, form=form, status=400)
    if final:
        messages.success(
            request,
            f"Your work is handed in. Receipt number {submission.receipt}: it is also on its way to you by "
            "e-mail. It is now waiting for marking.",
        )
    else:
        messages.success(request, "Your draft is saved. Submit it when it is ready.")
    return redirect("assessment:assignment_learner", assignment.uuid)


@login_required
@require_POST
def assignment_file_remove(request, assignment_uuid, file_uuid):
    assignment, _enrolment = selectors.access_assignment_as_learner(request.user, assignment_uuid)
    row = selectors.access_own_file(request.user, assignment, file_uuid)
    try:
        services.submission_file_remove(actor=request.user, file=row, at=clock.now())
    except PermissionDenied:
        raise Http404("No such file") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{row.original_name} is removed from your draft.")
    return redirect("assessment:assignment_learner", assignment.uuid)


@login_required
@require_GET
def assignment_file(request, assignment_uuid, file_uuid):
    assignment, _enrolment = selectors.access_assignment_as_learner(request.user, assignment_uuid)
    row = selectors.access_own_file(request.user, assignment, file_uuid)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("No such file") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=row.original_name,
        content_type=row.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def assignment_resubmit(request, assignment_uuid):
    assignment, _enrolment = selectors.access_assignment_as_learner(request.user, assignment_uuid)
    current = selectors.current_submission(assignment, request.user)
    if current is None:
        raise Http404("No submission")
    try:
        new = services.submission_start_resubmission(actor=request.user, submission=current, at=clock.now())
    except PermissionDenied:
        raise Http404("No such assignment") from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        from bluelamp.core.timefmt import format_datetime

        messages.success(
            request,
            f"Attempt {new.attempt} is started with a copy of your last work. Change it as your feedback "
            f"suggests and submit it by {format_datetime(new.due_at)}.",
        )
    return redirect("assessment:assignment_learner", assignment.uuid)
