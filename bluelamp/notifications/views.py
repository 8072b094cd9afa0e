"""A person's notifications page, opening one, and their e-mail choices. Everyone signed in
sees their own and nobody else's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.notifications import selectors, services
from bluelamp.notifications.forms import EmailPreferencesForm

PAGE_SIZE = 25


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"title": "Notifications", "page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_GET
def notification_open(request, notification_uuid):
    """Mark the notification read and go where it points (its own list when it points nowhere)."""
    notification = selectors.access_notification(request.user, notification_uuid)
    services.notification_mark_read(notification=notification)
    link = notification.link
    # notify() accepts only paths on this site; checked again, as this is a redirect.
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return HttpResponseRedirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_mark_all_read(request):
    marked = services.notifications_mark_all_read(person=request.user)
    if marked:
        messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked as read.")
    return redirect("notifications:list")


def _checkbox(kind, *, checked: bool) -> dict:
    item = {"value": kind.key, "text": kind.label, "checked": checked}
    if kind.description:
        item["hint"] = {"text": kind.description}
    return item


@login_required
@require_http_methods(["GET", "POST"])
def email_preferences(request):
    choices = selectors.email_choices(request.user)
    optional = [choice for choice in choices if choice.kind.email_optional]
    form = EmailPreferencesForm(
        request.POST if request.method == "POST" else None,  # all unticked: an empty POST
        kinds=[choice.kind for choice in optional],
        initial={"email_kinds": [choice.kind.key for choice in optional if choice.email_enabled]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.email_preferences_save(person=request.user, email_kinds=form.cleaned_data["email_kinds"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your e-mail choices are saved.")
            return redirect("notifications:preferences")
    chosen = set(form["email_kinds"].value() or [])
    return render(
        request,
        "notifications/preferences.html",
        {
            "title": "Notification e-mails",
            "form": form,
            "optional": [_checkbox(choice.kind, checked=choice.kind.key in chosen) for choice in optional],
            "always": [choice.kind for choice in choices if not choice.kind.email_optional],
            "breadcrumbs": [{"text": "Notifications", "href": reverse("notifications:list")}],
        },
    )
