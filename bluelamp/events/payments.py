"""Paying for a place priced per place: by card through the payment gateway (gateway.py), or by
invoice to the person's force against a purchase order; refunds as the policy says; the webhook.

A place awaiting payment is held (booking.py's PAYMENT_HOLD_HOURS). Card: `start_card_payment`
records a pending Payment, then asks the gateway for an intent with an idempotency key made from
the payment (a reload or a retry gets the same intent, never a second charge); the page confirms
it in the browser with Stripe.js; the outcome comes back twice, when the browser returns
(`card_payment_returned`, reading the intent again) and as a signed webhook (`handle_webhook`),
and whichever comes first confirms the place (`_paid` is idempotent). Webhook events are kept by
id (PaymentEvent): a replay changes nothing. Gateway calls are never made inside a transaction
that holds a session's row lock: a slow card service must not stop others booking.

Invoice: a purchase order number confirms the place at once and raises an invoice numbered from
the year's sequence (EV-2027-000001), which finance collects from the force.

Refund policy (REFUND_POLICY, shown to bookers): cancelled by the booker before the cut-off, in
full; cancelled late, nothing (an administrator may still refund by hand); the session cancelled
by its organisers, in full; a place released before a payment arrived, in full. A refund is made
by a task after the cancellation commits (`refund_after_cancel`), so the card service being down
delays it and never loses it: the task retries. An invoice not yet paid is cancelled with a
credit note instead.

Places charged to the booker's force (pricing "force") need no payment here: the month's finance
export lists them per force.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bluelamp.audit.api import audit_record
from bluelamp.core.timefmt import london
from bluelamp.events import booking as booking_service
from bluelamp.events import mail
from bluelamp.events.gateway import GatewayError, Intent, WebhookEvent, get_gateway, payments_configured
from bluelamp.events.models import Booking, Event, NumberSequence, Payment, PaymentEvent, PaymentRefund

logger = logging.getLogger(__name__)

REFUND_POLICY = (
    "Cancel by the cancellation date for a full refund. After it, places are not refunded. If the "
    "organisers cancel the session, every place paid for is refunded in full."
)
PO_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 /\-_.]{0,59}")


def price(event: Event) -> tuple[int, int, int]:
    """A place's price before VAT, its VAT (rounded half up to the penny) and the total, in pence."""
    net = event.price_pence
    vat = (net * event.vat_basis_points + 5000) // 10000
    return net, vat, net + vat


def next_number(at: dt.datetime) -> str:
    """The next number of the year (UK) in the invoice and receipt sequence, e.g. EV-2027-000042
    (in the caller's transaction: the year's row is locked until it commits)."""
    year = london(at).year
    NumberSequence.objects.get_or_create(year=year)
    sequence = NumberSequence.objects.select_for_update(of=("self",)).get(year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"EV-{year}-{sequence.last:06d}"


def may_pay(person, booking: Booking) -> bool:
    return getattr(person, "pk", None) in (booking.person_id, booking.booked_by_id)


def _audit(actor, action: str, payment: Payment, **changes) -> None:
    audit_record(
        actor=actor,
        action=f"events.{action}",
        obj=payment,
        object_label=f"{payment.number or payment.uuid} ({payment.total_pence}p)",
        **changes,
    )


def _check_payable(actor, booking: Booking) -> None:
    if actor is not None and not may_pay(actor, booking):
        raise PermissionDenied("Only the person booked, or whoever booked them, pays for the place.")
    if booking.status != Booking.Status.PENDING_PAYMENT:
        raise ValidationError(
            {"payment": [f"This booking is {booking.get_status_display().lower()}: there is nothing to pay"]}
        )


def live_payment(booking: Booking) -> Payment | None:
    return (
        Payment.objects.filter(booking=booking)
        .exclude(status__in=[Payment.Status.FAILED, Payment.Status.CANCELLED, Payment.Status.CREDITED])
        .order_by("-pk")
        .first()
    )


def start_card_payment(*, actor, booking: Booking, at: dt.datetime | None = None) -> tuple[Payment, Intent]:
    """The card payment of a place awaiting payment and its gateway intent (made once: asked
    again, the same). GatewayError when the card service cannot be reached."""
    at = at or timezone.now()
    _check_payable(actor, booking)
    if not payments_configured():
        raise ValidationError(
            {"payment": ["Card payments are not available: pay by invoice with a purchase order"]}
        )
    event = booking.session.event
    net, vat, total = price(event)
    try:
        with transaction.atomic():
            payment = live_payment(booking)
            if payment is None:
                payment = Payment.objects.create(
                    booking=booking, method=Payment.Method.CARD, amount_pence=net, vat_pence=vat, total_pence=total,
                    vat_basis_points=event.vat_basis_points, payer=booking.person.organisation, created_at=at,
                )  # fmt: skip
                _audit(actor, "payment_started", payment, after={"method": "card", "total": total})
    except IntegrityError:  # two clicks at once: the other made it
        payment = live_payment(booking)
        assert payment is not None
    if payment.method != Payment.Method.CARD:
        raise ValidationError({"payment": ["This place is paid by invoice"]})
    gateway = get_gateway()
    if payment.intent_id:
        return payment, gateway.retrieve_intent(payment.intent_id)
    intent = gateway.create_intent(
        amount_pence=total,
        description=f"{event.title}, {london(booking.session.starts_at):%d %B %Y}",
        metadata={"payment": str(payment.uuid), "booking": str(booking.uuid)},
        idempotency_key=f"events-payment-{payment.uuid}",
    )
    Payment.objects.filter(pk=payment.pk, intent_id__isnull=True).update(intent_id=intent.id)
    payment.intent_id = intent.id
    return payment, intent


def card_payment_returned(*, payment: Payment, at: dt.datetime | None = None) -> Payment:
    """The browser is back from paying: read the intent again (never trust the browser's word)."""
    at = at or timezone.now()
    if payment.method != Payment.Method.CARD or not payment.intent_id:
        return payment
    intent = get_gateway().retrieve_intent(payment.intent_id)
    if intent.status == "succeeded":
        return _paid(payment.pk, at=at)
    return payment


def _paid(payment_pk: int, *, at: dt.datetime) -> Payment:
    """The card payment went through: the place is confirmed (once, however often we hear). A
    place released before the money arrived is refunded in full."""
    refund_it = False
    with transaction.atomic():
        payment = Payment.objects.select_for_update(of=("self",)).select_related("booking").get(pk=payment_pk)
        if payment.status != Payment.Status.PENDING:
            return payment
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("session__event", "person")
            .get(pk=payment.booking_id)
        )
        payment.status, payment.paid_at, payment.number = Payment.Status.PAID, at, next_number(at)
        payment.save(update_fields=["status", "paid_at", "number"])
        _audit(None, "payment_received", payment, after={"total": payment.total_pence})
        if booking.status == Booking.Status.PENDING_PAYMENT:
            booking.status, booking.expires_at = Booking.Status.BOOKED, None
            booking.ics_sequence += 1
            booking.updated_at = at
            booking.save(update_fields=["status", "expires_at", "ics_sequence", "updated_at"])
            mail.queue(booking, "booked", at=at)
        else:
            refund_it = True
    if refund_it:
        transaction.on_commit(lambda: _enqueue_refund(payment.pk, "released"))
    return payment


def pay_by_invoice(*, actor, booking: Booking, po_number: str, at: dt.datetime | None = None) -> Payment:
    """Confirm the place against a purchase order: an invoice to the person's force."""
    at = at or timezone.now()
    _check_payable(actor, booking)
    po_number = (po_number or "").strip()
    if not PO_PATTERN.fullmatch(po_number):
        raise ValidationError(
            {
                "po_number": [
                    "Enter the purchase order number: letters, digits, spaces, / - _ or ., at most 60 characters"
                ]
            }
        )
    event = booking.session.event
    net, vat, total = price(event)
    with transaction.atomic():
        locked = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        if locked.status != Booking.Status.PENDING_PAYMENT:
            raise ValidationError({"payment": ["This booking no longer awaits payment"]})
        pending = live_payment(locked)
        if pending is not None and pending.method == Payment.Method.CARD:
            Payment.objects.filter(pk=pending.pk).update(status=Payment.Status.CANCELLED, settled_at=at)
            if pending.intent_id:
                intent_id = pending.intent_id
                transaction.on_commit(lambda: _enqueue_cancel_intent(intent_id))
        payment = Payment.objects.create(
            booking=locked, method=Payment.Method.INVOICE, status=Payment.Status.INVOICED, amount_pence=net,
            vat_pence=vat, total_pence=total, vat_basis_points=event.vat_basis_points, po_number=po_number,
            payer=booking.person.organisation, number=next_number(at), created_at=at,
        )  # fmt: skip
        locked.status, locked.expires_at = Booking.Status.BOOKED, None
        locked.ics_sequence += 1
        locked.updated_at = at
        locked.save(update_fields=["status", "expires_at", "ics_sequence", "updated_at"])
        locked.session = booking.session
        _audit(actor, "invoice_raised", payment, after={"po_number": po_number, "total": total})
        mail.queue(locked, "booked", at=at)
    return payment


def refund(
    *, actor, payment: Payment, amount_pence: int, reason: str, key: str, at: dt.datetime | None = None
) -> PaymentRefund | None:
    """Give back `amount_pence` of a card payment (no more than is left), through the gateway
    with an idempotency key from `key`: the same refund asked twice is made once. None if there
    is nothing left to give back."""
    at = at or timezone.now()
    payment.refresh_from_db()
    left = payment.total_pence - payment.refunded_pence
    amount = min(amount_pence, left)
    if (
        payment.method != Payment.Method.CARD
        or payment.status not in (Payment.Status.PAID, Payment.Status.PART_REFUNDED)
        or amount <= 0
    ):
        return None
    made = get_gateway().refund(
        payment.intent_id or "", amount_pence=amount, idempotency_key=f"events-refund-{payment.uuid}-{key}"
    )
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        existing = PaymentRefund.objects.filter(gateway_refund_id=made.id).first()
        if existing is not None:
            return existing
        record = PaymentRefund.objects.create(
            payment=locked, amount_pence=made.amount_pence, gateway_refund_id=made.id, reason=reason[:300],
            created_by=actor, created_at=at,
        )  # fmt: skip
        locked.refunded_pence = min(locked.total_pence, locked.refunded_pence + made.amount_pence)
        locked.status = (
            Payment.Status.REFUNDED
            if locked.refunded_pence >= locked.total_pence
            else Payment.Status.PART_REFUNDED
        )
        locked.settled_at = at if locked.status == Payment.Status.REFUNDED else None
        locked.save(update_fields=["refunded_pence", "status", "settled_at"])
        _audit(actor, "refunded", locked, after={"amount": made.amount_pence, "reason": reason[:300]})
    return record


def refund_by_hand(
    *, actor, payment: Payment, amount_pence: int, reason: str, at: dt.datetime | None = None
) -> PaymentRefund | None:
    """An administrator of the event refunds a card payment (a late cancellation forgiven)."""
    from bluelamp.events import selectors

    if not selectors.may_administer(actor, payment.booking.session.event):
        raise PermissionDenied("Only the event's administrators refund payments.")
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why you are refunding: it is kept with the payment"]})
    left = payment.total_pence - payment.refunded_pence
    if not 0 < amount_pence <= left:
        raise ValidationError(
            {"amount": [f"Refund between £0.01 and £{left / 100:.2f}, what is left of the payment"]}
        )
    return refund(
        actor=actor,
        payment=payment,
        amount_pence=amount_pence,
        reason=reason.strip(),
        key=f"hand-{payment.refunded_pence}-{amount_pence}",
        at=at,
    )


def on_cancel(booking: Booking, *, before: str, at: dt.datetime, whole_session: bool = False) -> None:
    """booking.py's cancel hook (in the cancelling transaction): refund a card payment as the
    policy says, by a task after commit; cancel an unpaid invoice with a credit note."""
    late = booking.attendance == Booking.Attendance.LATE_CANCEL or (
        not whole_session and at >= booking_service.cancel_cutoff(booking.session)
    )
    for payment in Payment.objects.select_for_update(of=("self",)).filter(booking=booking):
        if payment.status == Payment.Status.PENDING:
            payment.status, payment.settled_at = Payment.Status.CANCELLED, at
            payment.save(update_fields=["status", "settled_at"])
            if payment.intent_id:
                transaction.on_commit(functools.partial(_enqueue_cancel_intent, payment.intent_id))
        elif payment.status == Payment.Status.INVOICED and (whole_session or not late):
            payment.status, payment.settled_at = Payment.Status.CREDITED, at
            payment.save(update_fields=["status", "settled_at"])
            _audit(None, "invoice_credited", payment, after={"reason": "cancelled"})
        elif payment.status == Payment.Status.PAID and (whole_session or not late):
            why = "session_cancelled" if whole_session else "cancelled"
            transaction.on_commit(functools.partial(_enqueue_refund, payment.pk, why))


REFUND_REASONS = {
    "cancelled": "Cancelled before the cancellation date: refunded in full.",
    "session_cancelled": "The organisers cancelled the session: refunded in full.",
    "released": "The place had been released before the payment arrived: refunded in full.",
}


def refund_after_cancel(payment_pk: int, why: str, *, at: dt.datetime | None = None) -> int:
    """The refund the policy gives (the task's work): the whole payment; how much was given back."""
    payment = Payment.objects.get(pk=payment_pk)
    made = refund(
        actor=None,
        payment=payment,
        amount_pence=payment.total_pence,
        reason=REFUND_REASONS[why],
        key=f"policy-{why}",
        at=at,
    )
    return made.amount_pence if made else 0


def _enqueue_refund(payment_pk: int, why: str) -> None:
    from bluelamp.events.tasks import refund_payment

    try:
        refund_payment.enqueue(payment_pk, why)
    except Exception:  # noqa: BLE001 - the queue being down must not fail the cancellation
        logger.exception("Could not enqueue the refund of payment %s; the daily sweep makes it", payment_pk)


def _enqueue_cancel_intent(intent_id: str) -> None:
    from bluelamp.events.tasks import cancel_payment_intent

    try:
        cancel_payment_intent.enqueue(intent_id)
    except Exception:  # noqa: BLE001
        logger.exception("Could not enqueue cancelling an unused payment intent")


# How far back the frequent sweep looks for refunds still owed: a late cancellation (no refund)
# stays paid for ever, and need not be read again every few minutes.
OWED_WITHIN = dt.timedelta(days=30)


def refunds_owed(*, at: dt.datetime | None = None) -> list[tuple[int, str]]:
    """Card payments the policy says to refund that are not yet refunded (a refund task that
    never ran), of bookings cancelled in the last OWED_WITHIN: for the frequent sweep."""
    at = at or timezone.now()
    owed = []
    paid = Payment.objects.filter(
        method=Payment.Method.CARD, status=Payment.Status.PAID, booking__cancelled_at__gte=at - OWED_WITHIN
    ).select_related("booking__session")
    for payment in paid.filter(booking__status=Booking.Status.CANCELLED):
        booking = payment.booking
        if booking.session.status == "cancelled":
            owed.append((payment.pk, "session_cancelled"))
        elif booking.cancelled_at and payment.paid_at and payment.paid_at > booking.cancelled_at:
            owed.append((payment.pk, "released"))
        elif (
            booking.attendance != Booking.Attendance.LATE_CANCEL
            and booking.cancelled_at
            and booking.cancelled_at < booking_service.cancel_cutoff(booking.session)
        ):
            owed.append((payment.pk, "cancelled"))
    return owed


def hold_guard(booking: Booking, *, at: dt.datetime) -> bool:
    """booking.py's hold guard: before a place awaiting payment is released, ask the gateway
    whether the card payment went through after all (its webhook may be late). False keeps the
    hold: paid (the place is confirmed), or the card service unreachable (asked again next run)."""
    if booking.status != Booking.Status.PENDING_PAYMENT:
        return True
    payment = live_payment(booking)
    if payment is None or payment.method != Payment.Method.CARD or not payment.intent_id:
        return True
    try:
        intent = get_gateway().retrieve_intent(payment.intent_id)
    except GatewayError:
        return False
    if intent.status == "succeeded":
        _paid(payment.pk, at=at)
        return False
    return True


def handle_webhook(event: WebhookEvent, *, at: dt.datetime | None = None) -> str:
    """Act on a verified gateway event once: what was done (kept with the event's id)."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            record = PaymentEvent.objects.create(
                event_id=event.id, type=event.type, outcome="received", received_at=at
            )
    except IntegrityError:
        return "already processed"
    intent_id = (
        str(event.object.get("id", ""))
        if event.type.startswith("payment_intent.")
        else str(event.object.get("payment_intent", ""))
    )
    payment = Payment.objects.filter(intent_id=intent_id).first() if intent_id else None
    if payment is None:
        outcome = "no payment of ours"
    elif event.type == "payment_intent.succeeded":
        outcome = f"paid: {_paid(payment.pk, at=at).status}"
    elif event.type == "payment_intent.payment_failed":
        error = event.object.get("last_payment_error") or {}
        message = str(error.get("message") or "The card was declined")[:300]
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(failure=message)
        outcome = "payment failed: the place stays held until its time"
    elif event.type == "charge.refunded":
        refunded = int(event.object.get("amount_refunded") or 0)
        with transaction.atomic():
            locked = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
            if refunded > locked.refunded_pence:
                locked.refunded_pence = min(refunded, locked.total_pence)
                locked.status = (
                    Payment.Status.REFUNDED
                    if locked.refunded_pence >= locked.total_pence
                    else Payment.Status.PART_REFUNDED
                )
                locked.save(update_fields=["refunded_pence", "status"])
        outcome = "refund recorded"
    else:
        outcome = "ignored"
    PaymentEvent.objects.filter(pk=record.pk).update(outcome=outcome[:200])
    return outcome


def register() -> None:
    """Plug the payment rules into booking.py (from plugins.py)."""
    if on_cancel not in booking_service.CANCEL_HOOKS:
        booking_service.CANCEL_HOOKS.append(on_cancel)
    if hold_guard not in booking_service.HOLD_GUARDS:
        booking_service.HOLD_GUARDS.append(hold_guard)
