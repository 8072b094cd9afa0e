"""The marking pages, under /assessment/assignments/marking/: the assignments with work to mark,
an assignment's submissions (filter by state, release, reveal names, download), the marking page
of one submission, its files, and the allocation of markers. For tutors and the course's managers
(marking.py says who may do what); anyone else is told "not found". Every form works without
JavaScript (POST, then redirect)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bluelamp.assessment.assignments import downloads, marking, moderation, selectors
from bluelamp.assessment.assignments.files import megabytes
from bluelamp.assessment.assignments.marking import JudgementInput, MarkInput
from bluelamp.assessment.assignments.models import (
    Assignment,
    CriterionJudgement,
    MarkerAllocation,
    MarkingEvent,
    Submission,
    SubmissionFile,
)
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.assessment.shared.text import render_text
from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import Perm, Unit, access_for
from bluelamp.people.api import Person

PAGE_SIZE = 50
State = Submission.State
MET = "met"
NOT_MET = "not_met"


def _section_crumbs(*more: dict) -> list[dict]:
    return [
        {"text": "Assessment", "href": reverse("assessment:home")},
        {"text": "Assignments to mark", "href": reverse("assessment:assignment_marking")},
        *more,
    ]


def _assignment_crumb(assignment: Assignment) -> dict:
    return {
        "text": assignment.title,
        "href": reverse("assessment:assignment_submissions", args=[assignment.uuid]),
    }


def _refused(error: PermissionDenied) -> Http404:
    return Http404("No such page")


def marks_anything(user) -> bool:
    return access_for(user, Perm.LEARNING_TUTOR).anything or access_for(user, Perm.LEARNING_MANAGE).anything


# --- the assignments with work to mark ------------------------------------------------------------


@login_required
@require_GET
def marking_home(request):
    if not marks_anything(request.user):
        raise Http404("No such page")
    rows = marking.assignments_to_mark(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/assignments/marking/home.html",
        {
            "title": "Assignments to mark",
            "page": page,
            "breadcrumbs": [{"text": "Assessment", "href": reverse("assessment:home")}],
        },
    )


# --- an assignment's submissions ------------------------------------------------------------------


def _state_filter(request) -> tuple[str, str]:
    """(state, problem) from ?state=."""
    state = (request.GET.get("state") or "").strip()
    if state and state not in State.values:
        return "", f"“{state}” is not a marking state: showing every state."
    return state, ""


@login_required
@require_GET
def submissions(request, assignment_uuid):
    assignment = marking.access_assignment_marking(request.user, assignment_uuid)
    state, problem = _state_filter(request)
    every = marking.submissions_for_marking(request.user, assignment)
    counts = {value: 0 for value in State.values}
    for submission in every:
        counts[submission.state] += 1
    rows = [s for s in every if not state or s.state == state]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    manages = may_set_up(request.user, assignment.course)
    hidden = marking.identities_hidden(assignment)
    return render(
        request,
        "assessment/assignments/marking/submissions.html",
        {
            "title": assignment.title,
            "assignment": assignment,
            "page": page,
            "state": state,
            "problem": problem,
            "states": State.choices,
            "counts": counts,
            "total": len(every),
            "manages": manages,
            "hidden": hidden,
            "labels": {s.pk: marking.learner_label(s, hidden=hidden) for s in page},
            "ready_shown": [s for s in page if s.state == State.READY_FOR_RELEASE],
            "unreleased": len(every) - counts[State.RELEASED],
            "breadcrumbs": _section_crumbs(),
        },
    )


def _back_to_list(assignment: Assignment, state: str = ""):
    url = reverse("assessment:assignment_submissions", args=[assignment.uuid])
    if state in State.values:
        url += f"?state={state}"
    return redirect(url)


@login_required
@require_POST
def release(request, assignment_uuid):
    assignment = marking.access_assignment_managed(request.user, assignment_uuid)
    state = request.POST.get("state", "")
    chosen = request.POST.getlist("submission")
    if request.POST.get("all") == "ready":
        wanted = marking.submissions_for_marking(request.user, assignment, state=State.READY_FOR_RELEASE)
    else:
        keys = []
        for value in chosen:
            try:
                keys.append(marking.parse_uuid(value, "submission"))
            except Http404:
                continue
        wanted = list(Submission.objects.filter(assignment=assignment, uuid__in=keys))
    try:
        done = marking.marking_release(actor=request.user, submissions=wanted, at=marking.now())
    except PermissionDenied as error:
        raise _refused(error) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back_to_list(assignment, state)
    messages.success(
        request,
        f"Released: the marks and feedback of {len(done)} submission{'s' if len(done) != 1 else ''}. "
        "Each learner has been told.",
    )
    return _back_to_list(assignment, state)


@login_required
@require_POST
def reveal(request, assignment_uuid):
    assignment = marking.access_assignment_managed(request.user, assignment_uuid)
    try:
        marking.identities_reveal(actor=request.user, assignment=assignment, at=marking.now())
    except PermissionDenied as error:
        raise _refused(error) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Names revealed: markers now see who each learner is.")
    return _back_to_list(assignment)


@login_required
@require_GET
def download(request, assignment_uuid):
    assignment = marking.access_assignment_marking(request.user, assignment_uuid)
    state, _problem = _state_filter(request)
    try:
        result = downloads.submissions_zip(
            actor=request.user, assignment=assignment, state=state, at=marking.now()
        )
    except PermissionDenied as error:
        raise _refused(error) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _back_to_list(assignment, state)
    return FileResponse(
        result.file, as_attachment=True, filename=result.filename, content_type="application/zip"
    )


# --- marking one submission -----------------------------------------------------------------------


def _decimal_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


class MarkingForm(forms.Form):
    """The marking page's fields: one per criterion (met / not yet met, or a rubric level) and its
    comment, the outcome (scale) or points, the feedback, a feedback file and the borderline flag."""

    def __init__(self, *args, assignment: Assignment, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.criteria = criteria
        grading = assignment.grading
        for criterion in criteria:
            name = f"c{criterion.pk}"
            label = f"{criterion.code} {criterion.text}".strip()
            if grading == Assignment.Grading.RUBRIC:
                choices = [
                    (str(level.pk), f"{level.label} ({_decimal_text(level.points)} points)")
                    for level in criterion.levels.all()
                ]
            else:
                choices = [(MET, "Met"), (NOT_MET, "Not yet met")]
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                help_text=criterion.learning_outcome and f"Learning outcome: {criterion.learning_outcome}",
                error_messages={
                    "invalid_choice": f"Choose one of the options for {marking.criterion_name(criterion)}"
                },
            )
            self.fields[f"{name}_comment"] = forms.CharField(
                label=f"Comment on {marking.criterion_name(criterion)} (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        if grading == Assignment.Grading.SCALE:
            self.fields["outcome"] = forms.ChoiceField(
                label="Outcome",
                choices=marking.scale_outcomes(assignment),
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Choose an outcome from the list"},
            )
        if grading == Assignment.Grading.POINTS:
            top, pass_grade = assignment.grade_range()
            self.fields["points"] = forms.CharField(
                label=f"Points (out of {_decimal_text(top)})",
                required=False,
                help_text=f"{_decimal_text(pass_grade)} or more is a pass. Up to two decimal places.",
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
            )
        self.fields["feedback"] = forms.CharField(
            label="Overall feedback for the learner",
            required=False,
            widget=forms.Textarea(attrs={"rows": 8}),
            help_text="The learner reads this once the feedback is released. You can use Markdown: "
            "**bold**, *italic*, and lists starting with - or 1.",
        )
        self.fields["feedback_file"] = forms.FileField(
            label="Add a feedback file (optional)",
            required=False,
            help_text=f"For example an annotated copy of the work. Up to {assignment.max_file_mb} MB.",
        )
        self.fields["marked_borderline"] = forms.BooleanField(
            label="Flag as borderline, for internal verification", required=False
        )

    def clean_points(self):
        text = (self.cleaned_data.get("points") or "").strip()
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                f"Enter the points as a number, for example 62.5: “{text}” is not a number"
            ) from None
        if not value.is_finite():
            raise ValidationError(f"Enter the points as a number, for example 62.5: “{text}” is not a number")
        return value

    def mark_input(self) -> MarkInput:
        data = self.cleaned_data
        judgements = {}
        for criterion in self.criteria:
            value = data.get(f"c{criterion.pk}") or ""
            comment = data.get(f"c{criterion.pk}_comment") or ""
            if self.assignment.grading == Assignment.Grading.RUBRIC:
                judgements[criterion.pk] = JudgementInput(
                    level=int(value) if value else None, comment=comment
                )
            else:
                met = True if value == MET else False if value == NOT_MET else None
                judgements[criterion.pk] = JudgementInput(met=met, comment=comment)
        return MarkInput(
            judgements=judgements,
            outcome=data.get("outcome") or "",
            points=data.get("points"),
            feedback=data.get("feedback") or "",
            marked_borderline=bool(data.get("marked_borderline")),
        )


def initial_marks(submission: Submission, criteria) -> dict:
    initial: dict = {
        "feedback": submission.feedback,
        "marked_borderline": submission.marked_borderline,
    }
    assignment = submission.assignment
    for judgement in CriterionJudgement.objects.filter(submission=submission):
        name = f"c{judgement.criterion_id}"
        if assignment.grading == Assignment.Grading.RUBRIC:
            initial[name] = str(judgement.level_id) if judgement.level_id else ""
        elif judgement.met is not None:
            initial[name] = MET if judgement.met else NOT_MET
        initial[f"{name}_comment"] = judgement.comment
    if assignment.grading == Assignment.Grading.SCALE:
        initial["outcome"] = submission.outcome
    if assignment.grading == Assignment.Grading.POINTS and submission.points is not None:
        initial["points"] = _decimal_text(submission.points)
    return initial


def file_label(row: SubmissionFile, index: int, *, hidden: bool) -> str:
    """How a file is named on the page: its own name, or "File 1 (PDF)" while anonymous and the
    learner's own (a file's name may carry its author's)."""
    if hidden and row.kind == SubmissionFile.Kind.SUBMISSION:
        extension = row.original_name.rsplit(".", 1)[-1].upper() if "." in row.original_name else "file"
        return f"File {index} ({extension}, {megabytes(row.size)})"
    return f"{row.original_name} ({megabytes(row.size)})"


def files_of(submission: Submission, *, hidden: bool) -> dict[str, list[dict]]:
    shown: dict[str, list[dict]] = {"submission": [], "feedback": []}
    for row in submission.files.all().order_by("kind", "uploaded_at", "pk"):
        bucket = shown[row.kind]
        bucket.append(
            {
                "row": row,
                "label": file_label(row, len(bucket) + 1, hidden=hidden),
                "href": reverse("assessment:assignment_marking_file", args=[submission.uuid, row.uuid]),
            }
        )
    return shown


def _mark_context(request, submission: Submission, form: MarkingForm) -> dict:
    assignment = submission.assignment
    hidden = marking.identities_hidden(assignment)
    criteria = form.criteria
    manages = may_set_up(request.user, assignment.course)
    previous = marking.previous_attempts(submission)
    label = marking.learner_label(submission, hidden=hidden)
    return {
        "title": f"Mark: {label}, attempt {submission.attempt}",
        "submission": submission,
        "assignment": assignment,
        "form": form if form.errors else None,
        "mark_form": form,
        "criteria": criteria,
        "criterion_fields": [(c, form[f"c{c.pk}"], form[f"c{c.pk}_comment"]) for c in criteria],
        "label": label,
        "hidden": hidden,
        "manages": manages,
        "editable": submission.state in (State.NOT_MARKED, State.IN_MARKING),
        "result": marking.stored_result(submission, criteria),
        "files": files_of(submission, hidden=hidden),
        "text": render_text(submission.online_text, "plain"),
        "brief": render_text(assignment.brief, "markdown"),
        "feedback": render_text(submission.feedback, "markdown"),
        "judgements": {j.criterion_id: j for j in submission.judgements.select_related("level")},
        "previous": [
            {
                "submission": p,
                "feedback": render_text(p.feedback, "markdown"),
                "files": [
                    {
                        "label": f"{f.original_name} ({megabytes(f.size)})",
                        "href": reverse("assessment:assignment_marking_file", args=[submission.uuid, f.uuid]),
                    }
                    for f in p.files.all()
                    if f.kind == SubmissionFile.Kind.FEEDBACK
                ],
                "judgements": {j.criterion_id: j for j in p.judgements.all()},
            }
            for p in previous
        ],
        "events": list(
            MarkingEvent.objects.filter(submission=submission).select_related("by").order_by("at", "pk")
        ),
        "resubmissions_left": marking.resubmissions_left(submission),
        "deadline": selectors.person_deadline(
            assignment, submission.person, submission=submission, extension=None
        )
        if submission.extension_id is None
        else None,
        "breadcrumbs": _section_crumbs(_assignment_crumb(assignment)),
    }


@login_required
def mark(request, submission_uuid):
    submission = marking.access_submission_marking(request.user, submission_uuid)
    assignment = submission.assignment
    criteria = marking.criteria_of(assignment)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    if request.method == "POST" and action in ("save", "ready"):
        form = MarkingForm(request.POST, request.FILES, assignment=assignment, criteria=criteria)
        if form.is_valid():
            try:
                submission = _save_and_maybe_ready(request, submission, form, action)
            except PermissionDenied as error:
                raise _refused(error) from None
            except ValidationError as error:
                add_service_errors(form, _on_fields(error, form, criteria))
                submission = marking.access_submission_marking(request.user, submission.uuid)
            else:
                return redirect("assessment:assignment_mark", submission.uuid)
        return render(
            request,
            "assessment/assignments/marking/mark.html",
            _mark_context(request, submission, form),
            status=400,
        )
    if request.method == "POST":
        _act(request, submission, action)
        return redirect("assessment:assignment_mark", submission.uuid)
    form = MarkingForm(initial=initial_marks(submission, criteria), assignment=assignment, criteria=criteria)
    return render(
        request, "assessment/assignments/marking/mark.html", _mark_context(request, submission, form)
    )


def _on_fields(error: ValidationError, form: MarkingForm, criteria) -> ValidationError:
    """The service's errors on the form's fields (judgements go on the first criterion left)."""
    if not hasattr(error, "error_dict"):
        return error
    moved: dict[str, list[str]] = {}
    for name, texts in error.message_dict.items():
        target = name
        if name == "judgements" and criteria:
            target = f"c{criteria[0].pk}"
            for criterion in criteria:
                if not form.cleaned_data.get(f"c{criterion.pk}"):
                    target = f"c{criterion.pk}"
                    break
        elif name == "judgements" and "outcome" in form.fields:
            target = "outcome"
        elif name == "judgements" and "points" in form.fields:
            target = "points"
        moved.setdefault(target, []).extend(texts)
    return ValidationError(moved)


def _save_and_maybe_ready(request, submission: Submission, form: MarkingForm, action: str) -> Submission:
    at = marking.now()
    submission = marking.marking_save(
        actor=request.user,
        submission=submission,
        data=form.mark_input(),
        feedback_file=form.cleaned_data.get("feedback_file"),
        at=at,
    )
    if action == "ready":
        try:
            submission = marking.marking_ready(actor=request.user, submission=submission, at=at)
        except ValidationError as error:
            # The marks are saved; say so with what still stops them being ready.
            messages.success(request, "Your marks are saved, but not ready for release yet.")
            raise error
        messages.success(request, "Saved and marked as ready for release.")
    else:
        messages.success(request, "Your marks are saved.")
    return submission


def _act(request, submission: Submission, action: str) -> None:
    at = marking.now()
    try:
        if action == "return":
            marking.marking_return(
                actor=request.user, submission=submission, note=request.POST.get("note", ""), at=at
            )
            messages.success(request, "Returned to marking: you can change the marks again.")
        elif action == "release":
            marking.marking_release(actor=request.user, submissions=[submission], at=at)
            messages.success(
                request, "Released: the learner can now read their marks and feedback, and has been told."
            )
        else:
            messages.error(
                request, "Choose what to do: save, mark as ready for release, return to marking or release."
            )
    except PermissionDenied as error:
        raise _refused(error) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)


@login_required
@require_GET
def submission_file(request, submission_uuid, file_uuid):
    """A file of the submission (the learner's, or feedback) or of an earlier attempt it resubmits,
    for its markers and for verifiers of a sample that holds it."""
    submission = _viewable(request.user, submission_uuid)
    row = (
        SubmissionFile.objects.filter(
            uuid=marking.parse_uuid(file_uuid, "file"),
            submission__assignment=submission.assignment,
            submission__person=submission.person,
            submission__attempt__lte=submission.attempt,
        )
        .select_related("submission")
        .first()
    )
    if row is None:
        raise Http404("No such file")
    hidden = marking.identities_hidden(submission.assignment)
    if hidden and row.kind == SubmissionFile.Kind.SUBMISSION:
        siblings = list(
            SubmissionFile.objects.filter(submission=row.submission, kind=row.kind).order_by(
                "uploaded_at", "pk"
            )
        )
        index = next(n for n, f in enumerate(siblings, start=1) if f.pk == row.pk)
        name = (
            f"participant-{submission.participant_number}-attempt-{row.submission.attempt}-"
            + downloads.file_name(row, index, hidden=True)
        )
    else:
        name = downloads.safe_name(row.original_name)
    return FileResponse(
        row.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=row.content_type or "application/octet-stream",
    )


def _viewable(actor, submission_uuid) -> Submission:
    submission = (
        Submission.objects.select_related("assignment", "assignment__course", "person", "person__unit")
        .filter(uuid=marking.parse_uuid(submission_uuid, "submission"))
        .first()
    )
    if submission is None or not moderation.may_view_submission(actor, submission):
        raise Http404("No such submission")
    return submission


@login_required
@require_POST
def feedback_file_remove(request, submission_uuid, file_uuid):
    submission = marking.access_submission_marking(request.user, submission_uuid)
    row = marking.access_submission_file(request.user, submission, file_uuid)
    try:
        marking.feedback_file_remove(actor=request.user, file=row, at=marking.now())
    except PermissionDenied as error:
        raise _refused(error) from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Removed the feedback file {row.original_name}.")
    return redirect("assessment:assignment_mark", submission.uuid)


# --- allocating markers ---------------------------------------------------------------------------


class AllocationForm(forms.Form):
    marker = forms.ChoiceField(label="Marker", error_messages={"required": "Choose the marker"})
    learners = forms.MultipleChoiceField(
        label="Learners", required=False, widget=forms.CheckboxSelectMultiple
    )
    units = forms.MultipleChoiceField(
        label="Groups (units)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The learners of a unit and of the units below it, unless a learner has a marker of their own.",
    )

    def __init__(self, *args, markers, learners, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.markers = {str(p.pk): p for p in markers}
        self.learner_rows = {str(p.pk): p for p in learners}
        self.unit_rows = {str(u.pk): u for u in units}
        self._choices(
            "marker", [("", "Choose a marker")] + [(k, _name_with_unit(p)) for k, p in self.markers.items()]
        )
        self._choices("learners", [(k, _name_with_unit(p)) for k, p in self.learner_rows.items()])
        self._choices("units", [(k, u.full_path) for k, u in self.unit_rows.items()])
        self.fields["marker"].error_messages["invalid_choice"] = "Choose a marker from the list"
        self.fields["learners"].error_messages["invalid_choice"] = "Choose learners from the list"
        self.fields["units"].error_messages["invalid_choice"] = "Choose units from the list"

    def _choices(self, name: str, choices) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


def _name_with_unit(person) -> str:
    unit = person.unit.full_path if getattr(person, "unit_id", None) else ""
    return f"{marking.person_name(person)}{f' ({unit})' if unit else ''}"


def _units_for(assignment: Assignment, learners) -> list:
    organisation_ids = {p.organisation_id for p in learners} or {assignment.course.owner_id}
    return list(Unit.objects.filter(organisation_id__in=organisation_ids).order_by("full_path", "pk"))


@login_required
def markers(request, assignment_uuid):
    assignment = marking.access_assignment_managed(request.user, assignment_uuid)
    learners = list(selectors.learners_markable_by(request.user, assignment))
    candidates = marking.marker_candidates(assignment)
    units = _units_for(assignment, learners)
    form = AllocationForm(request.POST or None, markers=candidates, learners=learners, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = marking.allocation_add(
                actor=request.user,
                assignment=assignment,
                marker=form.markers[data["marker"]],
                learners=[form.learner_rows[k] for k in data["learners"]],
                units=[form.unit_rows[k] for k in data["units"]],
                at=marking.now(),
            )
        except PermissionDenied as error:
            raise _refused(error) from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            marker = form.markers[data["marker"]]
            messages.success(
                request,
                f"Allocated {marking.person_name(marker)} to mark {len(made)} "
                f"{'learner or group' if len(made) == 1 else 'learners or groups'}.",
            )
            return redirect("assessment:assignment_markers", assignment.uuid)
    allocations = list(
        MarkerAllocation.objects.filter(assignment=assignment)
        .select_related("learner", "learner__unit", "unit", "marker")
        .order_by("unit__full_path", "learner__last_name", "learner__first_name", "pk")
    )
    resolved = marking.allocations_of(assignment)
    people = {p.pk: p for p in Person.objects.filter(pk__in={m for a in allocations for m in [a.marker_id]})}
    coverage = []
    for learner in learners:
        ids = resolved.markers_of(learner)
        coverage.append((learner, [people[i] for i in ids if i in people]))
    return render(
        request,
        "assessment/assignments/marking/markers.html",
        {
            "title": f"Markers: {assignment.title}",
            "assignment": assignment,
            "form": form if form.errors else None,
            "allocation_form": form,
            "allocations": allocations,
            "coverage": coverage,
            "unallocated": sum(1 for _learner, who in coverage if not who),
            "no_candidates": not candidates,
            "breadcrumbs": _section_crumbs(_assignment_crumb(assignment)),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def marker_remove(request, assignment_uuid, allocation_id):
    assignment = marking.access_assignment_managed(request.user, assignment_uuid)
    allocation = (
        MarkerAllocation.objects.select_related(
            "learner", "learner__organisation", "unit", "unit__organisation", "marker"
        )
        .filter(assignment=assignment, pk=allocation_id)
        .first()
    )
    if allocation is None:
        raise Http404("No such allocation")
    try:
        marking.allocation_remove(actor=request.user, allocation=allocation, at=marking.now())
    except PermissionDenied as error:
        raise _refused(error) from None
    messages.success(request, f"Removed {marking.person_name(allocation.marker)}'s allocation.")
    return redirect("assessment:assignment_markers", assignment.uuid)
