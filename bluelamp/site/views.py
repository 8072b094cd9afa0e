"""Site-wide pages: home per role, the public licence check, the audit log."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from bluelamp.audit.api import audit_events
from bluelamp.core.exports import csv_download
from bluelamp.core.plugins import home_cards
from bluelamp.core.ratelimits import public_lookup
from bluelamp.core.timefmt import LONDON
from bluelamp.organisations.api import (
    LicenceType,
    Organisation,
    Perm,
    access_for,
    has_own_domain,
    licence_status,
    roles_of,
)


def home(request):
    if not request.user.is_authenticated:
        return render(request, "site/welcome.html", {"title": "Welcome"})
    user = request.user
    # Each domain contributes its cards (bluelamp/<domain>/plugins.py); those for this person show.
    cards = []
    for card in home_cards():
        card_context = card.context(user)
        if card_context is not None:
            cards.append((card.template, card_context))
    context = {
        "title": "Home",
        "roles": roles_of(user),
        "domain_in_force": has_own_domain(user.organisation),
        "cards": cards,
    }
    return render(request, "site/home.html", context)


class LicenceCheckForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation")
    type = forms.ChoiceField(label="Licence", choices=LicenceType.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Choose an organisation")] + list(
            Organisation.objects.exclude(kind=Organisation.Kind.NATIONAL_BODY).values_list("slug", "name")
        )


@public_lookup("licence-check")
def licence_check(request):
    """Public: does organisation X hold licence Y, and until when? Reveals nothing else."""
    form = LicenceCheckForm(request.GET or None)
    answer = None
    if form.is_bound and form.is_valid():
        organisation = Organisation.objects.get(slug=form.cleaned_data["organisation"])
        answer = licence_status(organisation=organisation, type=form.cleaned_data["type"])
    return render(
        request,
        "site/licence_check.html",
        {
            "title": "Check an organisation's licence",
            "form": form,
            "answer": answer,
            "type_label": dict(LicenceType.choices),
        },
    )


def accessibility(request):
    return render(request, "site/accessibility.html", {"title": "Accessibility statement"})


class AuditFilterForm(forms.Form):
    organisation = forms.ChoiceField(required=False, label="Organisation")
    action = forms.CharField(
        required=False, label="Action", help_text="For example role.grant or people.import"
    )
    actor = forms.CharField(required=False, label="Who (name or e-mail)")
    subject = forms.CharField(required=False, label="What (name of the thing changed)")
    since = forms.DateField(required=False, label="From (YYYY-MM-DD)")
    until = forms.DateField(required=False, label="To (YYYY-MM-DD)", help_text="Inclusive")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "All in your scope")] + [
            (str(o.pk), o.name) for o in organisations
        ]


def _day_start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON) if day else None


@login_required
def audit_log(request):
    access = access_for(request.user, Perm.AUDIT_VIEW)
    # The audit log is read per whole organisation; unit-level scopes do not include it.
    if not (access.national or access.organisation_ids):
        raise Http404("No such page")
    organisations = Organisation.objects.all()
    if not access.national:
        organisations = organisations.filter(pk__in=access.organisation_ids)
    form = AuditFilterForm(request.GET or None, organisations=organisations)
    filters = form.cleaned_data if form.is_valid() else {}
    until = filters.get("until")
    events = audit_events(
        organisation_ids=None if access.national else set(access.organisation_ids),
        include_national=access.national,
        organisation_id=int(filters["organisation"]) if filters.get("organisation") else None,
        action=filters.get("action", ""),
        actor_query=filters.get("actor", ""),
        object_query=filters.get("subject", ""),
        since=_day_start(filters.get("since")),
        until=_day_start(until + dt.timedelta(days=1)) if until else None,
    )
    if request.GET.get("format") == "csv":
        return _audit_csv(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "site/audit_log.html", {"title": "Audit log", "form": form, "page": page})


def _audit_csv(events) -> HttpResponse:
    return csv_download(
        filename="audit-log.csv",
        header=[
            "when (Europe/London)",
            "who",
            "organisation",
            "action",
            "object",
            "before",
            "after",
            "ip address",
        ],
        rows=(
            [
                event.occurred_at.astimezone(LONDON).isoformat(),
                event.actor_label,
                event.organisation.name if event.organisation_id else "National",
                event.action,
                event.object_label,
                event.before,
                event.after,
                event.ip_address or "",
            ]
            for event in events.iterator(chunk_size=2000)
        ),
    )
