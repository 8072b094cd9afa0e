"""Extensions to an assignment's due date: the list, granting one, withdrawing one. For the course's
managers and those who may mark the learner; anyone else is told "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from bluelamp.assessment.assignments import selectors, services
from bluelamp.assessment.assignments.web import clock
from bluelamp.assessment.assignments.web.forms import ExtensionForm, RevokeForm
from bluelamp.assessment.shared.access import may_set_up
from bluelamp.core.forms import add_service_errors


def _crumbs(request, assignment) -> list[dict]:
    trail = [{"text": "Assignments", "href": reverse("assessment:assignment_list")}]
    if may_set_up(request.user, assignment.course):
        trail.append(
            {
                "text": assignment.title,
                "href": reverse("assessment:assignment_settings", args=[assignment.uuid]),
            }
        )
    return trail


@login_required
def assignment_extensions(request, assignment_uuid):
    assignment = selectors.access_assignment_for_extensions(request.user, assignment_uuid)
    learners = selectors.learners_markable_by(request.user, assignment)
    form = ExtensionForm(request.POST or None, learners=learners)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        try:
            extension = services.extension_grant(
                actor=request.user,
                assignment=assignment,
                person=person,
                due_at=form.due_at(),
                reason=form.cleaned_data["reason"],
                at=clock.now(),
            )
        except PermissionDenied:
            raise Http404("No such assignment") from None
        except ValidationError as error:
            if hasattr(error, "error_dict") and "due_at" in error.error_dict:
                error = ValidationError(
                    {("due_date" if k == "due_at" else k): v for k, v in error.message_dict.items()}
                )
            add_service_errors(form, error)
        else:
            from bluelamp.core.timefmt import format_datetime

            messages.success(
                request,
                f"{person.get_full_name()} now has until {format_datetime(extension.due_at)}. They have been told.",
            )
            return redirect("assessment:assignment_extensions", assignment.uuid)
    extensions = list(selectors.extensions_visible(request.user, assignment))
    return render(
        request,
        "assessment/assignments/extensions.html",
        {
            "title": f"Extensions: {assignment.title}",
            "assignment": assignment,
            "in_force": [e for e in extensions if e.revoked_at is None],
            "revoked": [e for e in extensions if e.revoked_at is not None],
            "has_learners": learners.exists(),
            "form": form if form.errors else None,
            "extension_form": form,
            "breadcrumbs": _crumbs(request, assignment),
        },
        status=400 if form.errors else 200,
    )


@login_required
def assignment_extension_revoke(request, assignment_uuid, extension_uuid):
    assignment = selectors.access_assignment_for_extensions(request.user, assignment_uuid)
    extension = selectors.access_extension(request.user, assignment, extension_uuid)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_revoke(
                actor=request.user, extension=extension, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise Http404("No such extension") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The extension of {extension.person.get_full_name()} is withdrawn. They have been told.",
            )
            return redirect("assessment:assignment_extensions", assignment.uuid)
    return render(
        request,
        "assessment/assignments/extension_revoke.html",
        {
            "title": "Withdraw an extension",
            "assignment": assignment,
            "extension": extension,
            "form": form if form.errors else None,
            "revoke_form": form,
            "breadcrumbs": _crumbs(request, assignment)
            + [
                {
                    "text": "Extensions",
                    "href": reverse("assessment:assignment_extensions", args=[assignment.uuid]),
                }
            ],
        },
        status=400 if form.errors else 200,
    )
