"""A person's certificates, under /certificates/: their list, a certificate's page, its PDF and
its Open Badge, and the switch that lets anyone with the link fetch the badge. Everything goes
through selectors.access_certificate: the recipient, whoever may read their learner record and
the issuer's administrators see a certificate; anyone else is told "not found"."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from bluelamp.core.timefmt import format_date, london
from bluelamp.credentials import addresses, pdf, selectors, services
from bluelamp.credentials.models import Certificate
from bluelamp.credentials.web import clock
from bluelamp.credentials.web.forms import ShareForm

PAGE_SIZE = 50
BADGE_CONTENT_TYPE = "application/ld+json"


def status_text(certificate: Certificate, today) -> str:
    """What its status tag says: "Valid", "Revoked on 3 March 2026", "Expired on 1 April 2027"."""
    status = certificate.status_on(today)
    if status == Certificate.Status.REVOKED:
        return f"Revoked on {format_date(london(certificate.revoked_at))}"
    if status == Certificate.Status.EXPIRED:
        return f"Expired on {format_date(certificate.expires_on)}"
    return "Valid"


def badge_pending(certificate: Certificate) -> bool:
    """Issued with a badge whose credential a task has not signed yet. A certificate issued while
    its template had no badge has no place in a status list: it never gets one, and waits for
    nothing."""
    return (
        certificate.credential is None
        and certificate.template.badge
        and certificate.status_list_id is not None
    )


@login_required
@require_GET
def certificate_list(request):
    certificates = selectors.certificates_of(request.user)
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credentials/learner/list.html",
        {"title": "Your certificates", "page": page, "today": clock.today()},
    )


def _breadcrumbs(request, certificate: Certificate, manages: bool) -> list[dict]:
    if certificate.person_id == request.user.pk:
        return [{"text": "Your certificates", "href": reverse("credentials:certificate_list")}]
    if manages:
        return [
            {"text": "Certificates", "href": reverse("credentials:template_list")},
            {"text": "Certificates issued", "href": reverse("credentials:issued_list")},
        ]
    return [
        {
            "text": f"{certificate.person.get_full_name()}'s learner record",
            "href": reverse("learning:record_person", args=[certificate.person_id]),
        }
    ]


def _detail_page(
    request, certificate: Certificate, *, share_form: ShareForm | None = None, status: int = 200
):
    today = clock.today()
    own = certificate.person_id == request.user.pk
    manages = services.may_manage_for(request.user, certificate.issuer)
    return render(
        request,
        "credentials/learner/detail.html",
        {
            "title": f"{certificate.achievement_title}: certificate {certificate.code}",
            "certificate": certificate,
            "status": certificate.status_on(today),
            "status_text": status_text(certificate, today),
            "own": own,
            "manages": manages,
            "pending": badge_pending(certificate),
            "verify_url": addresses.verify_url(certificate),
            "credential_url": addresses.credential_url(certificate),
            # `form` drives the layout's error summary: only when the switch was refused.
            "form": share_form if share_form is not None and share_form.errors else None,
            "breadcrumbs": _breadcrumbs(request, certificate, manages),
        },
        status=status,
    )


@login_required
@require_GET
def certificate_detail(request, certificate_uuid):
    certificate = selectors.access_certificate(request.user, certificate_uuid)
    return _detail_page(request, certificate)


@login_required
@require_GET
def certificate_pdf(request, certificate_uuid):
    certificate = selectors.access_certificate(request.user, certificate_uuid)
    response = HttpResponse(pdf.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.pdf_file_name(certificate)}"'
    return response


@login_required
@require_GET
def certificate_badge(request, certificate_uuid):
    """The signed credential as a file to keep or upload to a wallet: byte for byte what was
    signed (its proof covers the document, not its layout, so indenting it is harmless)."""
    certificate = selectors.access_certificate(request.user, certificate_uuid)
    if certificate.credential is None:
        raise Http404("This certificate has no signed badge")
    body = json.dumps(certificate.credential, ensure_ascii=False, indent=2)
    response = HttpResponse(body.encode(), content_type=BADGE_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="badge-{certificate.code}.json"'
    return response


@login_required
@require_POST
def certificate_share(request, certificate_uuid):
    certificate = selectors.access_certificate(request.user, certificate_uuid)
    if certificate.person_id != request.user.pk:
        raise Http404("No such certificate")
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, certificate, share_form=form, status=400)
    shared = form.cleaned_data["shared"] == "on"
    try:
        services.certificate_share(actor=request.user, certificate=certificate, shared=shared)
    except PermissionDenied:
        raise Http404("No such certificate") from None
    if shared:
        messages.success(request, "Your badge is shared: anyone with its link can fetch it and check it.")
    else:
        messages.success(request, "Your badge is no longer shared: only you can fetch it.")
    return redirect("credentials:certificate", certificate.uuid)
