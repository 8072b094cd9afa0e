"""The month's money for finance, per organisation running events: every card payment received,
refund given, invoice raised and invoice cancelled in the month, and the places charged to
forces on sessions that started in it (a late cancellation is charged; an earlier one is not).
Amounts in pounds, before VAT, VAT and total; refunds and credits negative. VAT of a refund is
the payment's rate's share of what was given back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from bluelamp.core.timefmt import LONDON
from bluelamp.events.models import Booking, Event, Payment, PaymentRefund

# The order of a day's lines: money in, then money back, then charges to forces.
KINDS = ("Card payment", "Invoice", "Refund", "Credit note", "Charge to force")
HEADER = [
    "Date", "Type", "Number", "Organisation running it", "Event", "Session date", "Person",
    "Paying organisation", "Purchase order", "Net £", "VAT £", "Total £",
]  # fmt: skip


@dataclass(frozen=True)
class Line:
    on: dt.date
    kind: str
    number: str
    seller: str
    event: str
    session_on: dt.date
    person: str
    payer: str
    po_number: str
    net: int
    vat: int
    total: int

    def row(self) -> list:
        return [
            self.on, self.kind, self.number, self.seller, self.event, self.session_on, self.person, self.payer,
            self.po_number, self.net / 100, self.vat / 100, self.total / 100,
        ]  # fmt: skip


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    after = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime(month.year, month.month, 1, tzinfo=LONDON),
        dt.datetime(after.year, after.month, 1, tzinfo=LONDON),
    )


def _split(total: int, basis_points: int) -> tuple[int, int]:
    net = (total * 10000 + (10000 + basis_points) // 2) // (10000 + basis_points)
    return net, total - net


def _line(payment: Payment, on: dt.datetime, kind: str, sign: int, total: int | None = None) -> Line:
    booking = payment.booking
    if total is None:
        net, vat, gross = payment.amount_pence, payment.vat_pence, payment.total_pence
    else:
        net, vat = _split(total, payment.vat_basis_points)
        gross = total
    return Line(
        on=on.astimezone(LONDON).date(), kind=kind, number=payment.number or "", seller=booking.session.event.owner.name,
        event=booking.session.event.title, session_on=booking.session.starts_at.astimezone(LONDON).date(),
        person=booking.person.get_full_name(), payer=payment.payer.name, po_number=payment.po_number,
        net=sign * net, vat=sign * vat, total=sign * gross,
    )  # fmt: skip


def lines(events: QuerySet[Event], month: dt.date) -> list[Line]:
    start, end = month_bounds(month)
    ours = Payment.objects.filter(booking__session__event__in=events).select_related(
        "booking__session__event__owner", "booking__person", "payer"
    )
    out: list[Line] = []
    for payment in ours.filter(method=Payment.Method.CARD, paid_at__gte=start, paid_at__lt=end):
        out.append(_line(payment, payment.paid_at or payment.created_at, "Card payment", 1))
    for refund in PaymentRefund.objects.filter(
        payment__in=ours, created_at__gte=start, created_at__lt=end
    ).select_related("payment__booking__session__event__owner", "payment__booking__person", "payment__payer"):
        out.append(_line(refund.payment, refund.created_at, "Refund", -1, refund.amount_pence))
    for payment in ours.filter(method=Payment.Method.INVOICE, created_at__gte=start, created_at__lt=end):
        out.append(_line(payment, payment.created_at, "Invoice", 1))
    for payment in ours.filter(status=Payment.Status.CREDITED, settled_at__gte=start, settled_at__lt=end):
        out.append(_line(payment, payment.settled_at or payment.created_at, "Credit note", -1))
    charged = Booking.objects.filter(
        Q(status=Booking.Status.BOOKED) | Q(attendance=Booking.Attendance.LATE_CANCEL),
        session__event__in=events.filter(pricing=Event.Pricing.FORCE),
        session__status="scheduled",
        session__starts_at__gte=start,
        session__starts_at__lt=end,
    ).select_related("session__event__owner", "person__organisation")
    for booking in charged:
        event = booking.session.event
        vat = (event.price_pence * event.vat_basis_points + 5000) // 10000
        out.append(
            Line(
                on=booking.session.starts_at.astimezone(LONDON).date(),
                kind="Charge to force",
                number="",
                seller=event.owner.name,
                event=event.title,
                session_on=booking.session.starts_at.astimezone(LONDON).date(),
                person=booking.person.get_full_name(),
                payer=booking.person.organisation.name if booking.person.organisation else "",
                po_number="",
                net=event.price_pence,
                vat=vat,
                total=event.price_pence + vat,
            )  # fmt: skip
        )
    return sorted(out, key=lambda line: (line.on, KINDS.index(line.kind), line.number, line.person))


def totals(all_lines: list[Line]) -> dict[str, tuple[int, int, int, int]]:
    """Per type: how many lines, net, VAT and total (pence)."""
    out: dict[str, tuple[int, int, int, int]] = {}
    for line in all_lines:
        n, net, vat, total = out.get(line.kind, (0, 0, 0, 0))
        out[line.kind] = (n + 1, net + line.net, vat + line.vat, total + line.total)
    return out


def describe_month(month: dt.date) -> str:
    return f"{month:%B %Y}"
