"""The person's own equality monitoring answers (/people/me/equality/): theirs alone to see and
change (equality.py). There is no page for anyone else's."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from bluelamp.people import equality


class EqualityForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in equality.QUESTIONS:
            self.fields[question.field] = forms.ChoiceField(
                label=question.label,
                choices=list(question.choices),
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "“%(value)s” is not one of the answers: choose one from the list"
                },
            )


@login_required
@require_http_methods(["GET", "POST"])
def my_equality(request):
    if request.method == "POST" and request.POST.get("forget") == "yes":
        equality.answers_forget(person=request.user)
        messages.success(request, "Your answers are deleted.")
        return redirect("people:equality")
    form = EqualityForm(request.POST or None, initial=equality.own_answers(request.user))
    if request.method == "POST" and form.is_valid():
        equality.answers_save(person=request.user, answers=form.cleaned_data)
        messages.success(request, "Your answers are saved. Thank you.")
        return redirect("people:equality")
    return render(
        request,
        "people/equality.html",
        {"title": "Equality information", "form": form, "answered": bool(equality.own_answers(request.user))},
    )
