"""Administrators' certificate pages, under /certificates/: the templates they manage (create,
change, retire or restore), the certificates issued in their organisations' names, issuing one by
hand for a course completion, and revoking one. For people who manage learning somewhere
(selectors.may_manage_any); anyone else is told "not found", as is anyone reaching a template or
a certificate outside their organisations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.core.timefmt import format_date
from bluelamp.credentials import courses, selectors, services
from bluelamp.credentials.achievements import achievement_kind, achievement_kinds
from bluelamp.credentials.models import Certificate, CertificateTemplate
from bluelamp.credentials.web import clock
from bluelamp.credentials.web.forms import (
    ChooseCompletionForm,
    FindPersonForm,
    RevokeForm,
    TemplateForm,
)
from bluelamp.credentials.web.sections import section_links
from bluelamp.learning.api import Completion, transcript
from bluelamp.organisations.api import Perm, access_for
from bluelamp.people.api import Person, person_by_staff_number_or_email

PAGE_SIZE = 50


def _require_manager(user) -> None:
    if not selectors.may_manage_any(user):
        raise Http404("No such page")


def _crumbs(*more: dict) -> list[dict]:
    return [{"text": "Certificates", "href": reverse("credentials:template_list")}, *more]


def _several_owners(user) -> bool:
    access = access_for(user, Perm.LEARNING_MANAGE)
    return access.national or len(access.organisation_ids) > 1


def kind_label(key: str) -> str:
    kind = achievement_kind(key)
    return kind.label if kind else key.capitalize()


# --- templates ----------------------------------------------------------------------------------


@login_required
@require_GET
def template_list(request):
    _require_manager(request.user)
    templates = (
        selectors.templates_managed(request.user)
        .annotate(issued=Count("certificates"))
        .order_by("state", "title", "pk")
    )
    page = Paginator(templates, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "credentials/manage/templates.html",
        {
            "title": "Certificates",
            "page": page,
            "several": _several_owners(request.user),
            "kind_label": kind_label,
            "links": section_links(request.user, "templates"),
        },
    )


def _form_page(request, form: TemplateForm, *, title: str, template: CertificateTemplate | None = None):
    context: dict = {
        "title": title,
        "form": form if form.errors else None,
        "template_form": form,
        "template": template,
        "breadcrumbs": _crumbs(),
    }
    if template is not None:
        counts = template.certificates.aggregate(
            issued=Count("pk"), revoked=Count("pk", filter=Q(revoked_at__isnull=False))
        )
        context.update(
            counts=counts,
            kind=kind_label(template.achievement_kind),
            achievement=services.achievement_of(template),
            by_hand=template.achievement_kind == courses.KIND,
            backlog=courses.backlog_count(template),
        )
    return render(
        request,
        "credentials/manage/template_form.html",
        context,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request):
    _require_manager(request.user)
    choices = [(kind.label, kind.choices(request.user)) for kind in achievement_kinds()]
    listed = [a.uuid for _, found in choices for a in found]
    taken = frozenset(
        f"{kind}:{key}"
        for kind, key in CertificateTemplate.objects.filter(
            state=CertificateTemplate.State.ACTIVE, achievement_uuid__in=listed
        ).values_list("achievement_kind", "achievement_uuid")
    )
    form = TemplateForm(
        request.POST or None,
        achievements=choices,
        taken=taken,
        initial={
            # A course's page may link here with its course chosen.
            "achievement": request.GET.get("achievement", ""),
            "wording": "has successfully completed",
            "issue_automatically": True,
            "badge": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        achievement = form.cleaned_data["achievement"]
        try:
            template = services.template_create(
                actor=request.user, achievement=achievement, data=form.template_input(), at=clock.now()
            )
        except PermissionDenied:
            raise Http404("No such page") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if template.issue_automatically and template.achievement_kind == courses.KIND:
                later = (
                    f"It is issued from now on to everyone who completes {achievement.code} on Bluelamp. "
                    "For those who completed it before, or elsewhere, issue it by hand."
                )
            else:
                later = "Issue it by hand to those who have earned it."
            messages.success(
                request, f"Created the certificate for {achievement.code} {achievement.title}. {later}"
            )
            return redirect("credentials:template_edit", template.uuid)
    return _form_page(request, form, title="Create a certificate")


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request, template_uuid):
    template = selectors.access_template(request.user, template_uuid)
    form = TemplateForm(
        request.POST or None,
        initial={
            "title": template.title,
            "wording": template.wording,
            "description": template.description,
            "signatory_name": template.signatory_name,
            "signatory_role": template.signatory_role,
            "valid_for_months": "" if template.valid_for_months is None else str(template.valid_for_months),
            "issue_automatically": template.issue_automatically,
            "badge": template.badge,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.template_update(
                actor=request.user, template=template, data=form.template_input(), at=clock.now()
            )
        except PermissionDenied:
            raise Http404("No such certificate") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Saved the certificate {template.title}. Those issued before keep what they said."
            )
            return redirect("credentials:template_edit", template.uuid)
    return _form_page(request, form, title=f"Certificate: {template.title}", template=template)


@login_required
@require_POST
def template_backlog(request, template_uuid):
    """Issue the certificate to everyone who completed the course before it was made."""
    template = selectors.access_template(request.user, template_uuid)
    if courses.backlog_count(template) == 0:
        messages.success(request, f"Everyone with a completion on record already holds {template.title}.")
        return redirect("credentials:template_edit", template.uuid)
    try:
        with transaction.atomic():
            issued = courses.issue_backlog(actor=request.user, template=template, at=clock.now())
    except PermissionDenied:
        raise Http404("No such certificate") from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"Issued {template.title} to {issued} {'person' if issued == 1 else 'people'} who completed it before; "
            "they are told, and their badges are signed within a few minutes.",
        )
    return redirect("credentials:template_edit", template.uuid)


@login_required
@require_POST
def template_state(request, template_uuid):
    template = selectors.access_template(request.user, template_uuid)
    state = request.POST.get("state", "")
    try:
        services.template_set_state(actor=request.user, template=template, state=state, at=clock.now())
    except PermissionDenied:
        raise Http404("No such certificate") from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if state == CertificateTemplate.State.RETIRED:
            messages.success(
                request,
                f"Retired the certificate {template.title}: nothing more is issued from it. "
                "Those issued stay valid.",
            )
        else:
            messages.success(request, f"The certificate {template.title} is in use again.")
    return redirect("credentials:template_edit", template.uuid)


# --- issuing by hand ----------------------------------------------------------------------------


def _find_person(user, typed: str) -> tuple[Person | None, str]:
    """The person in `user`'s scope with this staff number or e-mail address, or why not."""
    return person_by_staff_number_or_email(user, typed, Perm.LEARNING_MANAGE)


def _completions(person: Person, template: CertificateTemplate) -> list[Completion]:
    return list(transcript(person).filter(course__uuid=template.achievement_uuid))


def _issued_for(template: CertificateTemplate, completions: list[Completion]) -> dict[str, Certificate]:
    """The certificates of this template already issued for these completions, by completion UUID."""
    refs = [str(c.uuid) for c in completions]
    return {c.source_ref: c for c in Certificate.objects.filter(template=template, source_ref__in=refs)}


def _completion_text(completion: Completion) -> str:
    text = f"Completed on {format_date(completion.completed_on)} ({completion.get_source_display()})"
    if completion.version_number:
        text += f", version {completion.version_number}"
    return text


@login_required
@require_http_methods(["GET", "POST"])
def certificate_issue(request, template_uuid):
    template = selectors.access_template(request.user, template_uuid)
    context: dict = {
        "title": f"Issue the certificate {template.title} by hand",
        "template": template,
        "kind": kind_label(template.achievement_kind),
        "breadcrumbs": _crumbs(
            {"text": template.title, "href": reverse("credentials:template_edit", args=[template.uuid])}
        ),
    }
    if template.achievement_kind != courses.KIND or template.state != CertificateTemplate.State.ACTIVE:
        return render(request, "credentials/manage/issue.html", context)
    typed = (request.POST if request.method == "POST" else request.GET).get("person")
    find = FindPersonForm({"person": typed} if typed is not None else None)
    person = None
    if find.is_valid():
        person, problem = _find_person(request.user, find.cleaned_data["person"])
        if person is None:
            find.add_error("person", problem)
    if person is None:
        context.update(find_form=find, form=find if find.errors else None)
        return render(request, "credentials/manage/issue.html", context, status=400 if find.errors else 200)

    completions = _completions(person, template)
    issued = _issued_for(template, completions)
    open_completions = [c for c in completions if str(c.uuid) not in issued]
    name = person.get_full_name() or person.email
    choose = ChooseCompletionForm(
        request.POST if request.method == "POST" else None,
        initial={"person": find.cleaned_data["person"]},
        completions=[(str(c.uuid), _completion_text(c)) for c in open_completions],
        label=f"Which of {name}'s completions of {template.achievement_code or template.title} is it for?",
    )
    if request.method == "POST":
        chosen = request.POST.get("completion", "")
        if chosen in issued:  # issued since the page was shown (another tab, or automatically)
            existing = issued[chosen]
            messages.info(
                request, f"{name} already has this certificate for that completion: {existing.code}."
            )
            return redirect("credentials:certificate", existing.uuid)
        if choose.is_valid():
            completion = next(c for c in open_completions if str(c.uuid) == choose.cleaned_data["completion"])
            at = clock.now()
            try:
                certificate = services.certificate_issue(
                    actor=request.user,
                    template=template,
                    person=person,
                    achieved_on=completion.completed_on,
                    source_ref=str(completion.uuid),
                    at=at,
                    sign_now=True,
                )
            except PermissionDenied:
                raise Http404("No such certificate") from None
            except ValidationError as error:
                add_service_errors(choose, error)
            else:
                if certificate.issued_by_id != request.user.pk or certificate.issued_at != at:
                    messages.info(request, f"{name} already had this certificate: {certificate.code}.")
                else:
                    messages.success(
                        request,
                        f"Issued certificate {certificate.code} to {name}. They have been told by e-mail.",
                    )
                return redirect("credentials:certificate", certificate.uuid)
    context.update(
        person=person,
        name=name,
        completions=completions,
        issued=issued,
        choose_form=choose,
        form=choose if choose.errors else None,
    )
    return render(request, "credentials/manage/issue.html", context, status=400 if choose.errors else 200)


# --- certificates issued ------------------------------------------------------------------------


@login_required
@require_GET
def issued_list(request):
    _require_manager(request.user)
    query = request.GET.get("q", "").strip()
    chosen = request.GET.get("template", "")
    template = selectors.access_template(request.user, chosen) if chosen else None
    certificates = selectors.issued_managed(request.user, query=query, template=template).select_related(
        "issued_by"
    )
    page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
    templates = selectors.templates_managed(request.user).order_by("title", "pk")
    return render(
        request,
        "credentials/manage/issued.html",
        {
            "title": "Certificates issued",
            "page": page,
            "query": query,
            "template": template,
            "template_items": [
                {"value": "", "text": "All certificates", "selected": template is None},
                *[
                    {
                        "value": str(t.uuid),
                        "text": f"{t.achievement_code} {t.title}".strip()
                        + (" (retired)" if t.state == CertificateTemplate.State.RETIRED else ""),
                        "selected": template is not None and t.pk == template.pk,
                    }
                    for t in templates
                ],
            ],
            "several": _several_owners(request.user),
            "today": clock.today(),
            "links": section_links(request.user, "issued"),
        },
    )


# --- revoking -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, certificate_uuid):
    certificate = selectors.access_certificate_to_manage(request.user, certificate_uuid)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and certificate.revoked_at is None and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user,
                certificate=certificate,
                reason=form.cleaned_data["reason"],
                at=clock.now(),
            )
        except PermissionDenied:
            raise Http404("No such certificate") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Revoked certificate {certificate.code} of {certificate.recipient_name}. Whoever checks it is "
                "told it was revoked; its badge's status list says so too.",
            )
            return redirect("credentials:certificate", certificate.uuid)
    return render(
        request,
        "credentials/manage/revoke.html",
        {
            "title": f"Revoke certificate {certificate.code}",
            "certificate": certificate,
            "form": form if form.errors else None,
            "revoke_form": form,
            "breadcrumbs": _crumbs(
                {"text": "Certificates issued", "href": reverse("credentials:issued_list")},
                {
                    "text": certificate.code,
                    "href": reverse("credentials:certificate", args=[certificate.uuid]),
                },
            ),
        },
        status=400 if form.errors else 200,
    )
