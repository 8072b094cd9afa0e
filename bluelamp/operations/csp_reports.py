"""Content-Security-Policy violation reports, as browsers send them to /csp-reports.

A browser that refuses something our policy forbids (or, in the report-only stage, would refuse
it) says so in one of two forms:

- `application/csp-report`: one violation, `{"csp-report": {"document-uri": ..., ...}}`, sent to
  the policy's `report-uri` (CSP level 2; Firefox, and Safari).
- `application/reports+json`: a batch, `[{"type": "csp-violation", "body": {"documentURL": ...}},
  ...]`, sent to the endpoint the policy's `report-to` names in the Reporting-Endpoints header
  (the Reporting API; Chromium). Reports of other types in a batch are ignored.

Each violation becomes one log line (logger `bluelamp.csp`) and a count in the Prometheus counter
`bluelamp_csp_violations_total` by directive and disposition. Nothing personal is kept: addresses
lose their query string, fragment and any user name (a query string may carry a token or a search
for a person), and neither the referrer, the sample of the refused code, the user agent nor the
client's address is logged.

Anyone may post here, so a report is small (MAX_BODY_BYTES), of a known shape, and its values are
trimmed; the labels counted are from a fixed list, so a made-up directive cannot grow the metrics.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from prometheus_client import Counter

__all__ = [
    "CONTENT_TYPES",
    "CSP_REPORTS_REFUSED",
    "CSP_VIOLATIONS",
    "MAX_BODY_BYTES",
    "ReportRefused",
    "Violation",
    "parse",
    "record",
    "refused",
]

logger = logging.getLogger("bluelamp.csp")

# A browser sends one violation (report-uri) or a batch of a few (report-to); each is under 2 KB
# with our policy. 32 KB holds a page's worth and stops anyone filling the log.
MAX_BODY_BYTES = 32 * 1024
# Longest address or directive value written to the log.
_MAX_VALUE = 300

LEGACY = "application/csp-report"
REPORTING_API = "application/reports+json"
# application/json: the legacy form, as some user agents and reporting tools label it.
CONTENT_TYPES = (LEGACY, REPORTING_API, "application/json")

CSP_VIOLATIONS = Counter(
    "bluelamp_csp_violations",
    "Content-Security-Policy violations browsers reported, by directive and disposition "
    "(enforce: refused; report: would have been, in the report-only stage).",
    ["directive", "disposition"],
)
CSP_REPORTS_REFUSED = Counter(
    "bluelamp_csp_reports_refused",
    "Posts to the CSP report endpoint that were not taken, by reason.",
    ["reason"],
)

# What `directive` may be in the counter's labels (anything else counts as "other").
_DIRECTIVES = frozenset(
    {
        "base-uri",
        "child-src",
        "connect-src",
        "default-src",
        "font-src",
        "form-action",
        "frame-ancestors",
        "frame-src",
        "img-src",
        "manifest-src",
        "media-src",
        "object-src",
        "require-trusted-types-for",
        "sandbox",
        "script-src",
        "script-src-attr",
        "script-src-elem",
        "style-src",
        "style-src-attr",
        "style-src-elem",
        "trusted-types",
        "upgrade-insecure-requests",
        "worker-src",
    }
)
_DISPOSITIONS = frozenset({"enforce", "report"})
# What browsers write instead of an address for what they refused.
_KEYWORDS = frozenset({"inline", "eval", "self", "data", "blob", "wasm-eval", "trusted-types-sink"})


class ReportRefused(ValueError):
    """A post that is not a report we take: `status` is the HTTP answer, `reason` the metric's
    label, the message says what was wrong (for whoever is debugging their reporting)."""

    def __init__(self, message: str, *, status: int, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class Violation:
    """One violation, as logged: addresses without query string, fragment or user name."""

    directive: str  # the effective directive, e.g. script-src-elem
    disposition: str  # enforce, report, or unknown
    document: str  # the page it happened on
    blocked: str  # what was refused: an address, or a keyword (inline, eval...)
    source: str  # the script that caused it, when the browser says
    line: int | None
    column: int | None

    def log_fields(self) -> dict[str, object]:
        return {
            "csp_directive": self.directive,
            "csp_disposition": self.disposition,
            "document_url": self.document,
            "blocked_url": self.blocked,
            "source_file": self.source,
            "source_line": self.line,
            "source_column": self.column,
        }


# --- reading a report -----------------------------------------------------------------------------


def _bad(message: str) -> ReportRefused:
    return ReportRefused(message, status=400, reason="bad_shape")


def _text(fields: Mapping, key: str, *, required: bool = False) -> str:
    value = fields.get(key)
    if value is None or value == "":
        if required:
            raise _bad(f"A report needs “{key}” (text).")
        return ""
    if not isinstance(value, str):
        raise _bad(f"“{key}” must be text, not {type(value).__name__}.")
    return value


def _number(fields: Mapping, key: str) -> int | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"“{key}” must be a whole number, not {type(value).__name__}.")
    return value


def without_personal_parts(value: str) -> str:
    """An address as it may be logged: scheme, host, port and path only (no user name, query
    string or fragment); a keyword (inline, eval...) as it is; a data: or blob: address as its
    scheme alone (its content may be anything)."""
    value = value.strip()
    if value in _KEYWORDS:
        return value
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return "(not an address)"
    if not parts.scheme:
        return parts.path.split("?", 1)[0].split("#", 1)[0][:_MAX_VALUE]
    scheme = parts.scheme.lower()
    if scheme in ("data", "blob", "filesystem", "javascript"):
        return scheme
    if not parts.hostname:
        return scheme
    host = parts.hostname + (f":{port}" if port else "")
    return f"{scheme}://{host}{parts.path}"[:_MAX_VALUE]


def _directive(value: str) -> str:
    # CSP level 2's violated-directive carries the directive's sources too ("script-src 'self'").
    return value.strip().split(" ", 1)[0].lower()[:64]


def _disposition(value: str) -> str:
    return value if value in _DISPOSITIONS else "unknown"


def _legacy(document: object) -> Iterator[Violation]:
    if not isinstance(document, Mapping) or not isinstance(document.get("csp-report"), Mapping):
        raise _bad("Expected a JSON object with a “csp-report” object in it.")
    fields = document["csp-report"]
    directive = _text(fields, "effective-directive") or _text(fields, "violated-directive", required=True)
    yield Violation(
        directive=_directive(directive),
        disposition=_disposition(_text(fields, "disposition")),
        document=without_personal_parts(_text(fields, "document-uri", required=True)),
        blocked=without_personal_parts(_text(fields, "blocked-uri")),
        source=without_personal_parts(_text(fields, "source-file")),
        line=_number(fields, "line-number"),
        column=_number(fields, "column-number"),
    )


def _reporting_api(document: object) -> Iterator[Violation]:
    if not isinstance(document, list):
        raise _bad("Expected a JSON array of reports.")
    for report in document:
        if not isinstance(report, Mapping) or not isinstance(report.get("body"), Mapping):
            raise _bad("Each report must be a JSON object with a “body” object.")
        if _text(report, "type", required=True) != "csp-violation":
            continue
        body = report["body"]
        yield Violation(
            directive=_directive(_text(body, "effectiveDirective", required=True)),
            disposition=_disposition(_text(body, "disposition")),
            document=without_personal_parts(_text(body, "documentURL", required=True)),
            blocked=without_personal_parts(_text(body, "blockedURL")),
            source=without_personal_parts(_text(body, "sourceFile")),
            line=_number(body, "lineNumber"),
            column=_number(body, "columnNumber"),
        )


def parse(body: bytes, *, content_type: str) -> list[Violation]:
    """The violations in a post's body, or ReportRefused (415 for another content type, 413 for
    a body over MAX_BODY_BYTES, 400 for anything that is not a report's JSON)."""
    content_type = (content_type or "").split(";", 1)[0].strip().lower()
    if content_type not in CONTENT_TYPES:
        raise ReportRefused(
            f"Send reports as {LEGACY} or {REPORTING_API}, not “{content_type or 'no content type'}”.",
            status=415,
            reason="content_type",
        )
    if len(body) > MAX_BODY_BYTES:
        raise ReportRefused(
            f"A report may be at most {MAX_BODY_BYTES} bytes.", status=413, reason="too_large"
        )
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise _bad("The body is not JSON.") from None
    if content_type == REPORTING_API:
        return list(_reporting_api(document))
    return list(_legacy(document))


# --- keeping it -------------------------------------------------------------------------------


def record(violations: list[Violation]) -> None:
    """One log line and one count per violation."""
    for violation in violations:
        directive = violation.directive if violation.directive in _DIRECTIVES else "other"
        CSP_VIOLATIONS.labels(directive=directive, disposition=violation.disposition).inc()
        logger.warning(
            "CSP violation (%s): %s refused %s",
            violation.disposition,
            violation.directive,
            violation.blocked or "(nothing named)",
            extra=violation.log_fields(),
        )


def refused(reason: str) -> None:
    """Count a post that was not taken (too large, not a report, over the rate limit...)."""
    CSP_REPORTS_REFUSED.labels(reason=reason).inc()
