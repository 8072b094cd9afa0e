"""What the banks' pages share: who may use them at all, the breadcrumbs, and the organisations a
new bank may belong to."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from bluelamp.assessment.banks.models import Bank, Question
from bluelamp.core.forms import add_service_errors
from bluelamp.organisations.api import Organisation, Perm, access_for

PAGE_SIZE = 50


def require_bank_reader(person):
    """The banks' pages are for those who manage learning (training administrators); anyone else
    gets "not found"."""
    access = access_for(person, Perm.LEARNING_MANAGE)
    if not access.anything:
        raise Http404("No such page")
    return access


def owners_for_new(person) -> list[Organisation]:
    """The organisations whose banks the person may create: their own, or (nationally) any, the
    national body first."""
    access = access_for(person, Perm.LEARNING_MANAGE)
    organisations = Organisation.objects.all()
    if not access.national:
        organisations = organisations.filter(pk__in=access.organisation_ids)
    return sorted(organisations, key=lambda o: (not o.is_national_body, o.name))


def crumbs(bank: Bank | None = None, question: Question | None = None) -> list[dict]:
    trail = [{"text": "Question banks", "href": reverse("assessment:banks")}]
    if bank is not None:
        trail.append({"text": bank.name, "href": reverse("assessment:bank", args=[bank.uuid])})
    if question is not None:
        trail.append({"text": question.name, "href": reverse("assessment:question", args=[question.uuid])})
    return trail


def problem_form(error: ValidationError) -> forms.Form:
    """An empty form carrying a service's errors, so the layout shows the GOV.UK error summary."""
    form = forms.Form(data={})
    form.is_valid()
    add_service_errors(form, error)
    return form
