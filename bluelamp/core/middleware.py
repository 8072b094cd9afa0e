"""Request context for the audit log (where an action came from, without passing requests
down), and the refusal of input no page accepts."""

import contextvars
import logging
import re
import uuid
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from django.core.exceptions import SuspiciousOperation
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str
    request_id: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "bluelamp_request_context", default=None
)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip(request) -> str | None:
    # REMOTE_ADDR is set by the WSGI server; a proxy in front sets it via its own config.
    return request.META.get("REMOTE_ADDR") or None


# A request id a proxy (or a client) sends is kept only if it looks like one: at most 64 letters,
# digits and . _ : - (the audit log's column; anything else, e.g. a line break to forge a log line,
# or a value too long for the column, would be trouble). Otherwise one is made.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_of(request) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(
            RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                request_id=request_id_of(request),
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


# --- input no page accepts ---------------------------------------------------------------------

# C0 control characters. Tab, line feed and carriage return are ordinary in form text; a query
# string has no use for the others, and NUL is refused everywhere (PostgreSQL cannot store it,
# and a query with it fails instead of answering).
_QUERY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PATH_CONTROLS = re.compile(r"[\x00-\x1f]")
_FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _shown(text: str, limit: int = 40) -> str:
    """`text` safe to quote back: control characters as \\uXXXX, and not too long."""
    text = _PATH_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _character(char: str) -> str:
    return "a NUL character (U+0000)" if char == "\x00" else f"a control character (U+{ord(char):04X})"


def _decoded(part: str) -> str:
    """One name or value of a query string, percent-decoded as UTF-8 (strictly)."""
    return unquote_to_bytes(part.replace("+", " ")).decode("utf-8")


def _query_problem(raw: bytes) -> str | None:
    for pair in raw.decode("latin-1").split("&"):
        name, _, value = pair.partition("=")
        try:
            name = _decoded(name)
        except UnicodeDecodeError:
            return "A parameter name in the address is not valid UTF-8. Send the address encoded as UTF-8."
        try:
            value = _decoded(value)
        except UnicodeDecodeError:
            return (
                f"The value of “{_shown(name)}” in the address is not valid UTF-8. Send it encoded as UTF-8."
            )
        for text in (name, value):
            found = _QUERY_CONTROLS.search(text)
            if found:
                return (
                    f"The value of “{_shown(name)}” in the address contains {_character(found.group())}, "
                    "which is not accepted. Remove it and try again."
                )
    return None


def _path_problem(path: str) -> str | None:
    # Django has already decoded the path, percent-encoding again any bytes that are not UTF-8,
    # so those cannot reach a view; control characters can.
    found = _PATH_CONTROLS.search(path)
    if found:
        return f"The address contains {_character(found.group())}, which no page here accepts."
    return None


def _header_problem(meta) -> str | None:
    # HTTP forbids NUL in header values; one in an Authorization header reached the token lookup.
    for key, value in meta.items():
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            name = key[5:].replace("_", "-").title()
            return f"The request header “{name}” contains a NUL character (U+0000), which is not accepted."
    return None


def _form_problem(request) -> str | None:
    try:
        fields = list(request.POST.lists())
    except MultiPartParserError as exc:
        return f"The form could not be read ({exc}). Send it with its boundary, as browsers do, or send JSON."
    except SuspiciousOperation as exc:  # too large, too many fields or files
        # Logged where Django logs them; answered here, as Django's own 400 page needs what the
        # middleware after this one sets up.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        return f"The form could not be read: {exc}"
    for name, values in fields:
        for text in (name, *values):
            if "\x00" in text:
                return (
                    f"The form field “{_shown(name)}” contains a NUL character (U+0000), which is not "
                    "accepted. Remove it and send the form again."
                )
    return None


class RejectBadInputMiddleware:
    """400 for input that no page or API operation accepts, before anything reads it: a NUL or
    another control character in the address or its query string, a query string that is not
    UTF-8, a NUL in a request header or in a submitted form's fields.

    Without this, such input reached the database and failed there (a 500 on the licence check,
    the API's lists and any page with ?org=). Checking it once here means no view has to. Other
    control characters in form text (pasted from a word processor, say) are left to the
    services, which name the field and what is accepted. The answer is a plain message (JSON,
    like DRF's {"detail": ...}, under /api/), never a page: rendering one would read the same
    input again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = (
            _path_problem(request.path_info)
            or _query_problem(get_bytes_from_wsgi(request.environ, "QUERY_STRING", ""))
            or _header_problem(request.META)
            or self._form_problem(request)
        )
        if problem:
            return self._refuse(request, problem)
        return self.get_response(request)

    def _form_problem(self, request) -> str | None:
        content_type = request.content_type or ""
        if request.method != "POST" or not content_type.startswith(_FORM_CONTENT_TYPES):
            return None
        return _form_problem(request)

    def _refuse(self, request, problem: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": problem}, status=400, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(problem + "\n", content_type="text/plain; charset=utf-8")
