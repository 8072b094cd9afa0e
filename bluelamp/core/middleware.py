"""Request context for the audit log: where an action came from, without passing requests down."""

import contextvars
import uuid
from dataclasses import dataclass


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


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(
            RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
                request_id=request.META.get("HTTP_X_REQUEST_ID", "") or uuid.uuid4().hex,
            )
        )
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
