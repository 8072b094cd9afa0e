"""Audience rules of a programme, under /programmes/manage/<programme>/audience/: who is placed
automatically (everyone of an organisation in some units, of some ranks or job roles) and in
which cohort; making one places everyone it matches now, then people as they join or change;
stopping one places no one more. For those who run the programme's cohorts there
(`structure.may_run_cohorts_in`); others get the same 404 as for something that does not exist."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import Perm, Unit, units_in_scope
from bluelamp.people.api import ranks_and_grades
from bluelamp.programmes import audiences, selectors
from bluelamp.programmes.models import AudienceRule, Place
from bluelamp.programmes.structure import may_run_cohorts_in
from bluelamp.programmes.web.views_places import cohort_label, programme_crumbs


class AudienceForm(forms.Form):
    cohort = forms.ChoiceField(
        label="Cohort they join", error_messages={"required": "Choose the cohort people are placed in."}
    )
    units = forms.MultipleChoiceField(
        label="Units",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People in a unit chosen, or anywhere below it. Leave all unticked for any unit.",
    )
    ranks = forms.MultipleChoiceField(
        label="Ranks or grades", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for any rank or grade.",
    )  # fmt: skip
    job_roles = forms.CharField(
        label="Job roles",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, as on the HR record (case does not matter). Leave empty for any job role.",
    )

    def __init__(self, *args, cohorts, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].choices = [("", "Choose a cohort"), *cohorts]
        self.fields["units"].choices = units
        self.fields["ranks"].choices = [(r, r) for r in ranks_and_grades()]

    def clean_job_roles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["job_roles"].splitlines() if line.strip()]


def _rules(user, programme) -> list[AudienceRule]:
    rules = AudienceRule.objects.filter(programme=programme).select_related(
        "cohort", "organisation", "created_by"
    )
    return [
        r
        for r in rules.order_by("-active", "-created_at")
        if may_run_cohorts_in(user, programme, r.organisation)
    ]


def _describe(rule: AudienceRule) -> str:
    parts = []
    if rule.unit_ids:
        names = (
            Unit.objects.filter(pk__in=rule.unit_ids)
            .order_by("full_path")
            .values_list("full_path", flat=True)
        )
        parts.append("in " + " or ".join(names) + " (and below)")
    if rule.ranks:
        parts.append("ranked " + " or ".join(rule.ranks))
    if rule.job_roles:
        parts.append("working as " + " or ".join(rule.job_roles))
    return f"Everyone in {rule.organisation.name} " + ", ".join(parts)


@login_required
@require_http_methods(["GET", "POST"])
def audience(request, programme_uuid):
    user = request.user
    programme = selectors.access_programme_to_run(user, programme_uuid)
    cohorts = {str(c.uuid): c for c in selectors.cohorts_run_by(user, programme)}
    organisations = {c.organisation_id for c in cohorts.values()}
    units = [
        (str(u.pk), f"{u.full_path} ({u.organisation.name})")
        for u in units_in_scope(user, Perm.LEARNING_MANAGE).filter(organisation_id__in=organisations)
    ]
    form = AudienceForm(
        request.POST if request.method == "POST" else None,
        cohorts=[(key, cohort_label(c)) for key, c in cohorts.items()],
        units=units,
    )
    if request.method == "POST" and form.is_valid():
        cohort = cohorts[form.cleaned_data["cohort"]]
        before = Place.objects.filter(programme=programme).count()
        try:
            audiences.audience_rule_save(
                actor=user, programme=programme, cohort=cohort,
                unit_ids=[int(u) for u in form.cleaned_data["units"]], ranks=form.cleaned_data["ranks"],
                job_roles=form.cleaned_data["job_roles"],
            )  # fmt: skip
        except PermissionDenied:
            raise Http404("No such programme") from None
        except ValidationError as error:
            add_service_errors(
                form,
                ValidationError(
                    {"units" if k == "unit_ids" else k: v for k, v in error.message_dict.items()}
                ),
            )
        else:
            placed = Place.objects.filter(programme=programme).count() - before
            messages.success(
                request,
                f"The rule is in force: {placed} {'person was' if placed == 1 else 'people were'} placed in "
                f"{cohort.name} now, and others will be as they join or change role.",
            )
            return redirect("programmes:audience", programme.uuid)
    return render(
        request,
        "programmes/places/audience.html",
        {
            "title": f"Who is placed automatically on {programme.code}",
            "programme": programme,
            "rules": [(rule, _describe(rule)) for rule in _rules(user, programme)],
            "audience_form": form,
            "form": form if form.errors else None,
            "has_cohorts": bool(cohorts),
            "breadcrumbs": programme_crumbs(programme),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def audience_stop(request, programme_uuid, rule_uuid):
    user = request.user
    programme = selectors.access_programme_to_run(user, programme_uuid)
    rule = next((r for r in _rules(user, programme) if str(r.uuid) == str(rule_uuid)), None)
    if rule is None or not rule.active:
        raise Http404("No such rule")
    audiences.audience_rule_stop(actor=user, rule=rule)
    messages.success(
        request, "The rule is stopped: no one more is placed by it. Those placed keep their places."
    )
    return redirect("programmes:audience", programme.uuid)
