"""A certificate as a tagged, accessible PDF (PDF/UA-1, WeasyPrint): the issuer's name and logo,
the learner's name, the achievement and its date, the code and where to check it. Rendered from
what the certificate kept when issued, so it reads the same every time it is downloaded."""

from __future__ import annotations

import base64
import mimetypes

from django.template.loader import render_to_string

from bluelamp.core.timefmt import format_date
from bluelamp.credentials import addresses
from bluelamp.credentials.models import Certificate

_LOGO_TYPES = {"image/png", "image/jpeg", "image/svg+xml", "image/gif", "image/webp"}
_LOGO_MAX_BYTES = 2_000_000


def _refuse_fetch(url, *args, **kwargs):
    raise ValueError(f"A certificate PDF loads nothing from outside: {url}")


def _logo_data_uri(organisation) -> str | None:
    """The issuer's logo inline (the PDF fetches nothing), or None if it has none we can show."""
    logo = organisation.logo
    if not logo:
        return None
    content_type = mimetypes.guess_type(logo.name)[0] or ""
    if content_type not in _LOGO_TYPES:
        return None
    try:
        with logo.open("rb") as handle:
            data = handle.read(_LOGO_MAX_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(data) > _LOGO_MAX_BYTES:
        return None
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML  # heavy import: only when a PDF is asked for

    html = render_to_string(
        "credentials/pdf/certificate.html",
        {
            "certificate": certificate,
            "template": certificate.template,
            "logo": _logo_data_uri(certificate.issuer),
            "issued_on": format_date(certificate.issued_on),
            "expires_on": format_date(certificate.expires_on) if certificate.expires_on else "",
            "verify_url": addresses.verify_url(certificate),
        },
    )
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")


def pdf_file_name(certificate: Certificate) -> str:
    return f"certificate-{certificate.code}.pdf"
