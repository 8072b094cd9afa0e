"""Paying for a place, under /events/bookings/{id}/: the choice of card or invoice (pay/), the
card form (pay/card/: Stripe.js, under a Content-Security-Policy that admits the gateway's
script, frames and API and nothing else), the return from paying (pay/done/), the purchase order
(pay/invoice/), and the receipt or invoice as a PDF (receipt.pdf). The gateway's webhook is
/events/payments/webhook/ (signed; anything else is refused with 400).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from bluelamp.core.forms import add_service_errors
from bluelamp.events import documents, payments, selectors
from bluelamp.events.gateway import GatewayError, InvalidWebhook, get_gateway, payments_configured
from bluelamp.events.models import Booking, Payment
from bluelamp.events.web import clock


class PurchaseOrderForm(forms.Form):
    po_number = forms.CharField(
        label="Purchase order number",
        max_length=60,
        help_text="Your force's purchase order for this place. The invoice goes to your force's finance team.",
        error_messages={
            "required": "Enter the purchase order number",
            "max_length": "A purchase order number has at most %(limit_value)d characters: this one has %(show_value)d",
        },
    )


def _payable(request, booking_uuid) -> Booking:
    booking = selectors.access_booking(request.user, booking_uuid)
    if not payments.may_pay(request.user, booking):
        raise Http404("No such booking")
    return booking


def _crumbs(booking: Booking) -> list[dict]:
    return [
        {"text": "Events", "href": reverse("events:sessions")},
        {"text": "My bookings", "href": reverse("events:bookings")},
        {"text": booking.session.event.title, "href": reverse("events:booking", args=[booking.uuid])},
    ]


@login_required
def pay(request, booking_uuid):
    booking = _payable(request, booking_uuid)
    if booking.status != Booking.Status.PENDING_PAYMENT:
        messages.info(
            request, f"This booking is {booking.get_status_display().lower()}: there is nothing to pay."
        )
        return redirect("events:booking", booking_uuid=booking.uuid)
    net, vat, total = payments.price(booking.session.event)
    return render(
        request,
        "events/pay.html",
        {
            "title": f"Pay for your place: {booking.session.event.title}",
            "booking": booking,
            "net": net,
            "vat": vat,
            "total": total,
            "vat_percent": booking.session.event.vat_basis_points / 100,
            "card": payments_configured(),
            "form": PurchaseOrderForm(),
            "policy": payments.REFUND_POLICY,
            "breadcrumbs": _crumbs(booking),
        },
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@login_required
@require_http_methods(["GET", "POST"])
def pay_card(request, booking_uuid):
    """POST starts (or finds) the card payment; GET shows the card form of one already started
    (a reload), else goes back to the choice: a GET never makes a payment."""
    booking = _payable(request, booking_uuid)
    if request.method == "GET":
        started = payments.live_payment(booking)
        if started is None or started.method != Payment.Method.CARD or not started.intent_id:
            return redirect("events:pay", booking_uuid=booking.uuid)
    try:
        payment, intent = payments.start_card_payment(actor=request.user, booking=booking, at=clock.now())
    except PermissionDenied:
        raise Http404("No such booking") from None
    except (ValidationError, GatewayError) as error:
        text = error.message if isinstance(error, GatewayError) else " ".join(error.messages)
        messages.error(request, text)
        return redirect("events:booking", booking_uuid=booking.uuid)
    if intent.status == "succeeded":
        return redirect(reverse("events:pay_done", args=[booking.uuid]) + f"?payment={payment.uuid}")
    gateway = get_gateway()
    response = render(
        request,
        "events/pay_card.html",
        {
            "title": f"Pay by card: {booking.session.event.title}",
            "booking": booking,
            "payment": payment,
            "client_secret": intent.client_secret,
            "publishable_key": gateway.publishable_key,
            "js_url": gateway.js_url,
            "return_url": reverse("events:pay_done", args=[booking.uuid]) + f"?payment={payment.uuid}",
            "breadcrumbs": _crumbs(booking),
        },
    )
    script, api = _origin(settings.STRIPE_JS_URL), _origin(settings.STRIPE_API_BASE)
    # Stripe.js, its frames (the card element, 3-D Secure) and its API calls; nothing else.
    response._csp_update = {  # type: ignore[attr-defined]
        "script-src": [script],
        "frame-src": [script, "https://hooks.stripe.com"],
        "connect-src": [api, script],
        "img-src": ["https://*.stripe.com"],
    }
    return response


@login_required
def pay_done(request, booking_uuid):
    booking = _payable(request, booking_uuid)
    payment = Payment.objects.filter(
        booking=booking, uuid=selectors.parse_uuid(request.GET.get("payment", ""))
    ).first()
    if payment is None:
        raise Http404("No such payment")
    try:
        payment = payments.card_payment_returned(payment=payment, at=clock.now())
    except GatewayError as error:
        messages.error(
            request,
            f"{error.message} If you paid, your place is confirmed as soon as the payment reaches us.",
        )
        return redirect("events:booking", booking_uuid=booking.uuid)
    if payment.status == Payment.Status.PAID:
        messages.success(request, "Thank you: your payment is received and your place is booked.")
    else:
        messages.error(request, "The payment has not gone through. Your place is still held: try again.")
    return redirect("events:booking", booking_uuid=booking.uuid)


@login_required
@require_POST
def pay_invoice(request, booking_uuid):
    booking = _payable(request, booking_uuid)
    form = PurchaseOrderForm(request.POST)
    if form.is_valid():
        try:
            payments.pay_by_invoice(
                actor=request.user, booking=booking, po_number=form.cleaned_data["po_number"], at=clock.now()
            )
        except PermissionDenied:
            raise Http404("No such booking") from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Your place is booked. The invoice goes to your force against the purchase order."
            )
            return redirect("events:booking", booking_uuid=booking.uuid)
    net, vat, total = payments.price(booking.session.event)
    return render(
        request,
        "events/pay.html",
        {
            "title": f"Pay for your place: {booking.session.event.title}",
            "booking": booking, "net": net, "vat": vat, "total": total,
            "vat_percent": booking.session.event.vat_basis_points / 100, "card": payments_configured(),
            "form": form, "policy": payments.REFUND_POLICY, "breadcrumbs": _crumbs(booking),
        },
    )  # fmt: skip


@login_required
def receipt(request, booking_uuid):
    """The receipt (card) or invoice (purchase order) of the booking's payment: the person booked,
    whoever booked them, and the event's administrators."""
    booking = selectors.access_booking(request.user, booking_uuid)
    payment = (
        Payment.objects.filter(booking=booking, number__isnull=False)
        .select_related("payer")
        .order_by("-pk")
        .first()
    )
    if payment is None:
        raise Http404("No receipt")
    response = HttpResponse(documents.payment_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{payment.number}.pdf"'
    return response


@csrf_exempt
@require_POST
def webhook(request):
    """The gateway's signed events (a replay, or the same event twice, changes nothing)."""
    try:
        event = get_gateway().parse_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except (InvalidWebhook, GatewayError):
        return HttpResponseBadRequest("Not a signed event", content_type="text/plain")
    outcome = payments.handle_webhook(event, at=clock.now())
    return HttpResponse(outcome, content_type="text/plain")


@login_required
@require_http_methods(["GET", "POST"])
def refund_by_hand(request, booking_uuid):
    """An administrator refunds a card payment (all or part of it), e.g. a late cancellation
    forgiven."""
    booking = selectors.access_booking(request.user, booking_uuid)
    if not selectors.may_administer(request.user, booking.session.event):
        raise Http404("No such booking")
    payment = Payment.objects.filter(
        booking=booking,
        method=Payment.Method.CARD,
        status__in=[Payment.Status.PAID, Payment.Status.PART_REFUNDED],
    ).first()
    if payment is None:
        raise Http404("No card payment to refund")
    left = payment.total_pence - payment.refunded_pence
    error = ""
    if request.method == "POST":
        from bluelamp.events.web.forms_admin import PoundsField

        try:
            amount = PoundsField(required=True).clean(request.POST.get("amount", ""))
            payments.refund_by_hand(
                actor=request.user,
                payment=payment,
                amount_pence=amount,
                reason=request.POST.get("reason", ""),
                at=clock.now(),
            )
        except forms.ValidationError as bad:
            error = " ".join(bad.messages)
        except ValidationError as bad:
            error = " ".join(bad.messages)
        except GatewayError as failure:
            error = failure.message
        else:
            messages.success(request, "The refund is made: it reaches the card in 5 to 10 working days.")
            return redirect("events:manage_session", session_uuid=booking.session.uuid)
    return render(
        request,
        "events/manage/refund.html",
        {
            "title": f"Refund {booking.person.get_full_name()}",
            "booking": booking,
            "payment": payment,
            "left": left,
            "error": error,
            "breadcrumbs": [
                {"text": "Events", "href": reverse("events:sessions")},
                {
                    "text": "People booked",
                    "href": reverse("events:manage_session", args=[booking.session.uuid]),
                },
            ],
        },
    )
