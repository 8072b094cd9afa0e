"""The issuing organisations' signing keys, under /certificates/keys/: each organisation's keys
and the addresses verifiers fetch, rotating to a new key, and withdrawing one that may have
leaked. For those who edit an organisation (its administrators, or national ones, who see every
organisation that has keys or certificates); anyone else is told "not found"."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bluelamp.credentials import addresses
from bluelamp.credentials import keys as issuer_keys
from bluelamp.credentials.models import Certificate, CertificateTemplate, IssuerKey
from bluelamp.credentials.web import clock
from bluelamp.credentials.web.forms import WithdrawKeyForm
from bluelamp.credentials.web.sections import may_see_keys, section_links
from bluelamp.organisations.api import Organisation, Perm, access_for


def key_organisations(user) -> list[Organisation]:
    """The organisations whose keys `user` manages: their own (whole organisations), or, for a
    national administrator, every one that has keys or certificates."""
    access = access_for(user, Perm.ORGANISATION_EDIT)
    if access.national:
        organisations = Organisation.objects.filter(
            Q(pk__in=IssuerKey.objects.values("organisation_id"))
            | Q(pk__in=CertificateTemplate.objects.values("owner_id"))
        )
    else:
        organisations = Organisation.objects.filter(pk__in=access.organisation_ids)
    return list(organisations.order_by("name", "pk"))


def _access_organisation(user, slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None or not issuer_keys.may_manage_keys(user, organisation):
        raise Http404("No such organisation")
    return organisation


def _access_key(user, key_uuid) -> IssuerKey:
    key = IssuerKey.objects.select_related("organisation").filter(uuid=key_uuid).first()
    if key is None or not issuer_keys.may_manage_keys(user, key.organisation):
        raise Http404("No such key")
    return key


def _signed_counts(keys: list[IssuerKey]) -> dict[int, int]:
    rows = (
        Certificate.objects.filter(signed_with__in=keys)
        .values("signed_with")
        .annotate(n=Count("pk"))
        .values_list("signed_with", "n")
    )
    return dict(rows)


def _crumbs(*more: dict) -> list[dict]:
    return [{"text": "Certificates", "href": reverse("credentials:template_list")}, *more]


@login_required
@require_GET
def key_list(request):
    if not may_see_keys(request.user):
        raise Http404("No such page")
    organisations = key_organisations(request.user)
    keys = list(IssuerKey.objects.filter(organisation__in=organisations).order_by("-created_at", "-pk"))
    counts = _signed_counts(keys)
    by_organisation: dict[int, list[IssuerKey]] = defaultdict(list)
    for key in keys:
        key.organisation = next(o for o in organisations if o.pk == key.organisation_id)
        by_organisation[key.organisation_id].append(key)
    sections = [
        {
            "organisation": organisation,
            "keys": [
                {"key": key, "url": addresses.key_url(key), "signed": counts.get(key.pk, 0)}
                for key in by_organisation[organisation.pk]
            ],
            "issuer_url": addresses.issuer_url(organisation) if by_organisation[organisation.pk] else "",
        }
        for organisation in organisations
    ]
    return render(
        request,
        "credentials/keys/list.html",
        {
            "title": "Signing keys",
            "sections": sections,
            "links": section_links(request.user, "keys"),
        },
    )


@login_required
@require_POST
def key_rotate(request, organisation_slug):
    organisation = _access_organisation(request.user, organisation_slug)
    try:
        key = issuer_keys.issuer_key_rotate(actor=request.user, organisation=organisation, at=clock.now())
    except PermissionDenied:
        raise Http404("No such organisation") from None
    messages.success(
        request,
        f"{organisation.name} now signs with {key.key_id}. Its keys before stay published, so what they "
        "signed keeps verifying.",
    )
    return redirect(reverse("credentials:key_list") + f"#organisation-{organisation.slug}")


@login_required
@require_http_methods(["GET", "POST"])
def key_withdraw(request, key_uuid):
    key = _access_key(request.user, key_uuid)
    form = WithdrawKeyForm(request.POST or None)
    signed = _signed_counts([key]).get(key.pk, 0)
    if request.method == "POST" and key.withdrawn_at is None and form.is_valid():
        at = clock.now()
        try:
            # What it signed is signed again with the current key by a task after commit.
            issuer_keys.issuer_key_withdraw(
                actor=request.user, key=key, reason=form.cleaned_data["reason"], at=at
            )
            resigned = signed
        except PermissionDenied:
            raise Http404("No such key") from None
        except ValueError as error:
            form.add_error("reason", str(error))
        else:
            current = (
                IssuerKey.objects.filter(
                    organisation=key.organisation, retired_at__isnull=True, withdrawn_at__isnull=True
                )
                .order_by("-created_at", "-pk")
                .first()
            )
            now_signing = (
                f"It now signs with {current.key_id}"
                if current
                else f"A new key is made when {key.organisation.name} next signs"
            )
            messages.success(
                request,
                f"Withdrew {key.key_id} of {key.organisation.name}: it is no longer published. "
                f"{resigned} {'credential' if resigned == 1 else 'credentials'} it signed "
                f"{'is' if resigned == 1 else 'are'} being signed again with the current key: "
                f"this takes a few minutes. {now_signing}.",
            )
            return redirect(reverse("credentials:key_list") + f"#organisation-{key.organisation.slug}")
    return render(
        request,
        "credentials/keys/withdraw.html",
        {
            "title": f"Withdraw the key {key.key_id} of {key.organisation.name}",
            "key": key,
            "signed": signed,
            "key_url": addresses.key_url(key),
            "form": form if form.errors else None,
            "withdraw_form": form,
            "breadcrumbs": _crumbs({"text": "Signing keys", "href": reverse("credentials:key_list")}),
        },
        status=400 if form.errors else 200,
    )
