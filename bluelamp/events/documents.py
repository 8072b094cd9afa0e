"""A payment's receipt (paid by card) or invoice (a purchase order), as a tagged, accessible PDF
(PDF/UA-1, WeasyPrint) showing the price before VAT, the VAT rate and amount, and the total; with
refunds, what was given back. Rendered from the payment as it was recorded (its amounts and
rate), so it reads the same every time, whatever the event's price becomes."""

from __future__ import annotations

from django.template.loader import render_to_string

from bluelamp.core.timefmt import format_date, format_datetime
from bluelamp.events.models import Payment


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"A receipt PDF loads nothing from outside: {url}")


def _pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def payment_pdf(payment: Payment) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    booking = payment.booking
    session = booking.session
    event = session.event
    invoice = payment.method == Payment.Method.INVOICE
    html = render_to_string(
        "events/pdf/payment.html",
        {
            "kind": "Invoice" if invoice else "Receipt",
            "payment": payment,
            "seller": event.owner.name,
            "buyer": payment.payer.name,
            "person": booking.person.get_full_name(),
            "event": event,
            "session_date": format_date(session.starts_at),
            "issued": format_date(payment.created_at if invoice else payment.paid_at or payment.created_at),
            "net": _pounds(payment.amount_pence),
            "vat": _pounds(payment.vat_pence),
            "vat_rate": f"{payment.vat_basis_points / 100:g}%",
            "total": _pounds(payment.total_pence),
            "refunds": [
                (format_datetime(r.created_at), _pounds(r.amount_pence), r.reason)
                for r in payment.refunds.all()
            ],
            "refunded": _pounds(payment.refunded_pence) if payment.refunded_pence else "",
            "status": payment.get_status_display(),
        },
    )
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")
