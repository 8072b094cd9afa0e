"""Internal verification pages, under /assessment/assignments/verification/: the assignments with
marked work and their samples, drawing a sample, one sample (its items, adding one, closing it),
verifying an item, and the record for the external quality assurer (CSV, XLSX and a page to
print). moderation.py says who may do what; anyone else is told "not found"."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bluelamp.assessment.assignments import marking, moderation
from bluelamp.assessment.assignments.marking import MarkInput
from bluelamp.assessment.assignments.models import ModerationSample, SampleItem, Submission, Verification
from bluelamp.assessment.assignments.web.views_marking import (
    MarkingForm,
    files_of,
    initial_marks,
    marks_anything,
)
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.assessment.shared.text import render_text
from bluelamp.core.exports import dataset, dataset_download
from bluelamp.core.forms import add_service_errors

PAGE_SIZE = 50


def _crumbs(*more: dict) -> list[dict]:
    return [
        {"text": "Assessment", "href": reverse("assessment:home")},
        {"text": "Internal verification", "href": reverse("assessment:assignment_verification")},
        *more,
    ]


def _assignment_crumb(assignment) -> dict:
    return {
        "text": assignment.title,
        "href": reverse("assessment:assignment_samples", args=[assignment.uuid]),
    }


def _sample_crumb(sample: ModerationSample) -> dict:
    return {
        "text": f"Sample of {sample.created_at:%d %b %Y}",
        "href": reverse("assessment:assignment_sample", args=[sample.uuid]),
    }


@login_required
@require_GET
def verification_home(request):
    if not marks_anything(request.user):
        raise Http404("No such page")
    rows = moderation.assignments_for_verification(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/assignments/marking/verification.html",
        {
            "title": "Internal verification",
            "page": page,
            "breadcrumbs": [{"text": "Assessment", "href": reverse("assessment:home")}],
        },
    )


class DrawForm(forms.Form):
    percent = forms.IntegerField(
        label="Percentage to sample at random",
        min_value=0,
        max_value=100,
        help_text="Every fail and every borderline is sampled as well. Whole numbers from 0 to 100.",
        error_messages={
            "required": "Enter the percentage to sample at random, from 0 to 100",
            "invalid": "Enter the percentage as a whole number from 0 to 100",
            "min_value": "Enter a percentage from 0 to 100",
            "max_value": "Enter a percentage from 0 to 100",
        },
    )


@login_required
def samples(request, assignment_uuid):
    assignment = marking.access_assignment_marking(request.user, assignment_uuid)
    form = DrawForm(request.POST or None, initial={"percent": assignment.moderation_sample_percent})
    if request.method == "POST" and form.is_valid():
        try:
            sample = moderation.sample_draw(
                actor=request.user,
                assignment=assignment,
                percent=form.cleaned_data["percent"],
                at=marking.now(),
            )
        except PermissionDenied:
            raise Http404("No such assignment") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            drawn = sample.items.count()
            messages.success(
                request, f"Sample drawn: {drawn} submission{'s' if drawn != 1 else ''} to verify."
            )
            return redirect("assessment:assignment_sample", sample.uuid)
    rows = moderation.samples_of(assignment)
    counts = {
        s.pk: (s.items.count(), s.items.filter(verifications__isnull=False).distinct().count()) for s in rows
    }
    return render(
        request,
        "assessment/assignments/marking/samples.html",
        {
            "title": f"Internal verification: {assignment.title}",
            "assignment": assignment,
            "samples": rows,
            "counts": counts,
            "form": form if form.errors else None,
            "draw_form": form,
            "breadcrumbs": _crumbs(),
        },
        status=400 if form.errors else 200,
    )


def _item_rows(request, sample: ModerationSample) -> list[dict]:
    hidden = marking.identities_hidden(sample.assignment)
    rows = []
    for item in moderation.items_visible(request.user, sample):
        verifications = list(item.verifications.all())
        rows.append(
            {
                "item": item,
                "submission": item.submission,
                "label": marking.learner_label(item.submission, hidden=hidden),
                "status": moderation.item_status(item),
                "last": verifications[-1] if verifications else None,
                "href": reverse("assessment:assignment_verify", args=[sample.uuid, item.pk]),
            }
        )
    return rows


class AddForm(forms.Form):
    submission = forms.ChoiceField(
        label="Add a marked submission to the sample",
        error_messages={
            "required": "Choose the submission to add",
            "invalid_choice": "Choose a submission from the list",
        },
    )

    def __init__(self, *args, candidates, hidden: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(s.uuid): s for s in candidates}
        field = self.fields["submission"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a submission")] + [
            (
                key,
                f"{marking.learner_label(s, hidden=hidden)}, attempt {s.attempt}: {s.get_outcome_display() or 'no outcome'}",
            )
            for key, s in self.candidates.items()
        ]


def _sample_page(request, sample: ModerationSample, add_form: AddForm | None = None, status: int = 200):
    hidden = marking.identities_hidden(sample.assignment)
    if add_form is None:
        add_form = AddForm(candidates=moderation.candidates_to_add(request.user, sample), hidden=hidden)
    rows = _item_rows(request, sample)
    return render(
        request,
        "assessment/assignments/marking/sample.html",
        {
            "title": f"Sample of {sample.assignment.title}",
            "sample": sample,
            "assignment": sample.assignment,
            "rows": rows,
            "waiting": sum(1 for r in rows if r["last"] is None),
            "form": add_form if add_form.errors else None,
            "add_form": add_form,
            "may_close": sample.closed_at is None
            and (
                may_set_up(request.user, sample.assignment.course) or sample.created_by_id == request.user.pk
            ),
            "breadcrumbs": _crumbs(_assignment_crumb(sample.assignment)),
        },
        status=status,
    )


@login_required
@require_GET
def sample(request, sample_uuid):
    return _sample_page(request, moderation.access_sample(request.user, sample_uuid))


@login_required
@require_POST
def sample_add(request, sample_uuid):
    sample = moderation.access_sample(request.user, sample_uuid)
    hidden = marking.identities_hidden(sample.assignment)
    form = AddForm(request.POST, candidates=moderation.candidates_to_add(request.user, sample), hidden=hidden)
    if form.is_valid():
        submission = form.candidates[form.cleaned_data["submission"]]
        try:
            moderation.sample_item_add(
                actor=request.user, sample=sample, submission=submission, at=marking.now()
            )
        except PermissionDenied:
            raise Http404("No such sample") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the sample.")
            return redirect("assessment:assignment_sample", sample.uuid)
    return _sample_page(request, sample, form, status=400)


@login_required
@require_POST
def sample_close(request, sample_uuid):
    sample = moderation.access_sample(request.user, sample_uuid)
    try:
        moderation.sample_close(actor=request.user, sample=sample, at=marking.now())
    except PermissionDenied:
        raise Http404("No such sample") from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Sample closed. Its decisions are kept for external quality assurance.")
    return redirect("assessment:assignment_sample", sample.uuid)


@login_required
@require_GET
def sample_export(request, sample_uuid, fmt):
    sample = moderation.access_sample(request.user, sample_uuid)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such export")
    data = dataset(headers=moderation.EXPORT_HEADER, title="Internal verification")
    data.extend(moderation.export_rows(request.user, sample))
    course = sample.assignment.course.code or "course"
    from bluelamp.assessment.assignments.downloads import safe_name

    name = safe_name(
        f"{course}-{sample.assignment.title}-verification-{sample.created_at:%Y-%m-%d}", limit=100
    )
    return dataset_download(data, fmt=fmt, filename=f"{name.lower()}.{fmt}")


@login_required
@require_GET
def sample_print(request, sample_uuid):
    sample = moderation.access_sample(request.user, sample_uuid)
    assignment = sample.assignment
    return render(
        request,
        "assessment/assignments/marking/sample_print.html",
        {
            "title": f"Internal verification record: {assignment.title}",
            "sample": sample,
            "assignment": assignment,
            "criteria": marking.criteria_of(assignment),
            "header": moderation.EXPORT_HEADER,
            "rows": moderation.export_rows(request.user, sample),
            "breadcrumbs": _crumbs(_assignment_crumb(assignment), _sample_crumb(sample)),
        },
    )


class VerifyForm(MarkingForm):
    """The verifier's decision, and (when they disagree) their own judgement, as a marker gives it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("feedback", "feedback_file", "marked_borderline"):
            del self.fields[name]
        for criterion in self.criteria:
            del self.fields[f"c{criterion.pk}_comment"]
        self.fields = {
            "decision": forms.ChoiceField(
                label="Do you agree with the marker?",
                choices=Verification.Decision.choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": "Choose whether you agree with the marker",
                    "invalid_choice": "Choose whether you agree with the marker",
                },
            ),
            **self.fields,
            "note": forms.CharField(
                label="Note",
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text="Required when you disagree: what you disagree with and why. The external "
                "quality assurer reads it.",
            ),
        }

    def mark_input(self) -> MarkInput:
        self.cleaned_data.setdefault("feedback", "")
        return super().mark_input()


def _marker_initial(submission: Submission, criteria) -> dict:
    initial = initial_marks(submission, criteria)
    for criterion in criteria:
        initial.pop(f"c{criterion.pk}_comment", None)
    return initial


@login_required
def verify(request, sample_uuid, item_id):
    sample = moderation.access_sample(request.user, sample_uuid)
    item: SampleItem = moderation.access_item(request.user, sample, item_id)
    submission = item.submission
    assignment = submission.assignment
    criteria = marking.criteria_of(assignment)
    refusal = moderation.verify_refusal(request.user, submission)
    form = VerifyForm(
        request.POST or None,
        initial=_marker_initial(submission, criteria),
        assignment=assignment,
        criteria=criteria,
    )
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            moderation.verification_record(
                actor=request.user,
                item=item,
                decision=decision,
                data=form.mark_input() if decision == Verification.Decision.DISAGREE else None,
                note=form.cleaned_data.get("note", ""),
                at=marking.now(),
            )
        except PermissionDenied:
            raise Http404("No such item") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if decision == Verification.Decision.AGREE:
                messages.success(request, "Recorded: you agree with the marker.")
            else:
                messages.success(request, "Recorded: you disagree with the marker, who has been told.")
            return redirect("assessment:assignment_sample", sample.uuid)
    hidden = marking.identities_hidden(assignment)
    return render(
        request,
        "assessment/assignments/marking/verify.html",
        {
            "title": f"Verify: {marking.learner_label(submission, hidden=hidden)}, attempt {submission.attempt}",
            "sample": sample,
            "item": item,
            "submission": submission,
            "assignment": assignment,
            "criteria": criteria,
            "judgements": {j.criterion_id: j for j in submission.judgements.select_related("level")},
            "criterion_fields": [(c, form[f"c{c.pk}"]) for c in criteria],
            "refusal": refusal,
            "closed": sample.closed_at is not None,
            "form": form if form.errors else None,
            "verify_form": form,
            "files": files_of(submission, hidden=hidden),
            "text": render_text(submission.online_text, "plain"),
            "feedback": render_text(submission.feedback, "markdown"),
            "verifications": list(item.verifications.all()),
            "breadcrumbs": _crumbs(_assignment_crumb(assignment), _sample_crumb(sample)),
        },
        status=400 if form.errors else 200,
    )
