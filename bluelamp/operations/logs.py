"""Structured logs: one JSON object per line (LOG_FORMAT=json, production's default), each with the
request id of the request it belongs to, also in the tasks that request enqueued; and no secret in
any of them.

The request id is the one `bluelamp.core.middleware.RequestContextMiddleware` sets (the proxy's
X-Request-ID, else a new one). A task carries it to the worker through the cache: when a task is
enqueued during a request, its id and the request's are stored under the task's id (django-tasks'
`task_enqueued` signal), and the worker puts it back while the task runs (`task_started`). The
cache is shared by every process in production (REDIS_URL); with the development's memory cache a
separate worker process does not see it, and its task lines have no request id.

Named `logs`, not `logging`, so that it never shadows the standard library's module.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

__all__ = [
    "JsonFormatter",
    "RedactSecretsFilter",
    "RequestContextFilter",
    "RequestLogMiddleware",
    "current_request_id",
    "error_reporting_start",
    "redacted",
    "register",
]

REDACTED = "[redacted]"

# Field names whose values are never written out, wherever they appear in a line's extra fields.
_SECRET_NAME = re.compile(
    r"pass(word|wd|phrase)?|secret|token|authori[sz]ation|api[_-]?key|private[_-]?key|"
    r"cookie|session[_-]?id|csrf|dsn|credential|otp|totp|recovery[_-]?code|signature",
    re.IGNORECASE,
)

# The attributes every LogRecord has: anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
# What JsonFormatter writes in its own keys.
_OWN = {"request_id", "task_id", "path", "status", "status_code", "duration"}


def redacted(value: Any, name: str = "") -> Any:
    """`value` with the values of secret-named keys replaced, in nested dicts and lists too."""
    if name and _SECRET_NAME.search(name):
        return REDACTED
    if isinstance(value, Mapping):
        return {key: redacted(item, str(key)) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redacted(item) for item in value]
    return value


# --- the request id, in requests and in tasks ----------------------------------------------------

_task: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "bluelamp_task_log_context", default=None
)


def current_request_id() -> str:
    """The request id of what runs now: the task's (its enqueuing request's), else the request's."""
    task = _task.get()
    if task is not None and task[1]:
        return task[1]
    from bluelamp.core.middleware import current_request_context

    context = current_request_context()
    return context.request_id if context else ""


def _cache_key(task_id: str) -> str:
    return f"bluelamp:task-request-id:{task_id}"


_CARRIED_FOR = 7 * 24 * 3600  # seconds: longer than any task waits


def _remember_request(sender, task_result, **kwargs) -> None:
    from django.core.cache import cache

    from bluelamp.core.middleware import current_request_context

    context = current_request_context()
    if context is None:
        return
    try:
        cache.set(_cache_key(str(task_result.id)), context.request_id, _CARRIED_FOR)
    except Exception:  # a cache outage must never stop work being queued
        logging.getLogger(__name__).warning("The request id of task %s was not kept", task_result.id)


def _restore_request(sender, task_result, **kwargs) -> None:
    from django.core.cache import cache

    try:
        request_id = cache.get(_cache_key(str(task_result.id))) or ""
    except Exception:
        request_id = ""
    _task.set((str(task_result.id), request_id))


def _forget_request(sender, task_result, **kwargs) -> None:
    _task.set(None)


def register() -> None:
    """Carry request ids into tasks (django-tasks' signals; connecting again changes nothing)."""
    from django_tasks.signals import task_enqueued, task_finished, task_started

    task_enqueued.connect(_remember_request, dispatch_uid="bluelamp.operations.logs.enqueued")
    task_started.connect(_restore_request, dispatch_uid="bluelamp.operations.logs.started")
    task_finished.connect(_forget_request, dispatch_uid="bluelamp.operations.logs.finished")


# --- filters and the formatter (named in settings.LOGGING) ---------------------------------------


class RequestContextFilter(logging.Filter):
    """Gives every line its request id (and, in a task, the task's id): "" when there is none, so
    that a plain format may name %(request_id)s."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a request's 4xx/5xx answer after the middleware has finished (the
            # context is gone by then), with the request in the record: its id is kept there.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "bluelamp_request_id", "") or current_request_id()
        task = _task.get()
        if task is not None and not getattr(record, "task_id", ""):
            record.task_id = task[0]
        return True


class RedactSecretsFilter(logging.Filter):
    """Replaces the values of secret-named extra fields (password, token, secret, authorization...)
    and of secret-named keys in a dict given as the message's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name in set(vars(record)) - _STANDARD:
            setattr(record, name, redacted(getattr(record, name), name))
        if isinstance(record.args, Mapping):
            record.args = redacted(record.args)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, path,
    status, duration (milliseconds), then any other extra fields, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or current_request_id(),
            "path": getattr(record, "path", None) or getattr(getattr(record, "request", None), "path", None),
            # Django's own request lines name it status_code.
            "status": getattr(record, "status", None) or getattr(record, "status_code", None),
            "duration": getattr(record, "duration", None),
        }
        task_id = getattr(record, "task_id", "")
        if task_id:
            line["task_id"] = task_id
        for name in sorted(set(vars(record)) - _STANDARD - _OWN):
            # Django's request logging passes the request object itself: its path is enough.
            if name != "request":
                line[name] = redacted(getattr(record, name), name)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


# What may be echoed in a response header (the id may come from the client's own X-Request-ID).
_SHOWABLE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestLogMiddleware:
    """One line per request (logger bluelamp.requests): method, path, status and duration, with
    the request id, which it also returns in the X-Request-ID header. Only the path is logged: a
    query string may carry a token. On when LOG_REQUESTS is (production's JSON logs); the
    development server logs its own lines."""

    logger = logging.getLogger("bluelamp.requests")

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.enabled = settings.LOG_REQUESTS

    def __call__(self, request):
        started = time.perf_counter()
        request_id = current_request_id()
        request.bluelamp_request_id = request_id
        response = self.get_response(request)
        if _SHOWABLE_ID.fullmatch(request_id) and not response.has_header("X-Request-ID"):
            response["X-Request-ID"] = request_id
        if self.enabled:
            self.logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "path": request.path,
                    "method": request.method,
                    "status": response.status_code,
                    "duration": round((time.perf_counter() - started) * 1000, 1),
                },
            )
        return response


# --- error reporting (optional) ------------------------------------------------------------------


def _tag_request_id(event: Event, hint: Hint) -> Event:
    request_id = current_request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def error_reporting_start(*, dsn: str, environment: str, traces_sample_rate: float = 0.0) -> None:
    """Send errors to Sentry (called from settings when SENTRY_DSN is set), tagged with the request
    id so that a report leads to its log lines. No personal data is sent (send_default_pii off:
    no cookies, no user, no client address), and Sentry's own scrubber drops secret-named fields."""
    import sentry_sdk

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=_tag_request_id,
    )
