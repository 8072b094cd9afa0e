"""SCORM content on its own origin, where its scripts can reach nothing of the site's.

A package's files are uploaded by an organisation's training administrators and run scripts in
the learner's browser. Served from the site's own origin they would run with the learner's
session: read pages, call the API, mint a token. So they are served from a separate *content
origin* (settings.SCORM_CONTENT_ORIGIN, e.g. https://learn-content.example) that:

- answers only package files and the launch page below, and nothing of the site (any other path
  on that host is "not found");
- never reads or sets a cookie: the session middleware never runs for it, so a request there is
  nobody's;
- authorises a file by a signed, expiring token in its path, made for one learner's launch of one
  package, and bound to the content origin and to the player's origin;
- sends a Content-Security-Policy that lets the content load and fetch only from its own origin
  and be framed only by the player, and a Referrer-Policy that keeps the token to itself.

The runtime (scorm-again) stays in the player page on the site's origin. The content finds
`window.API` / `window.API_1484_11` in a small launch page on the content origin, which holds
scorm-again's cross-frame facade (`cross-frame-api.js`) and talks to the player's
`CrossFrameLMS` by postMessage, each side checking the other's origin. The player's frame is
sandboxed (no top navigation).

Without SCORM_CONTENT_ORIGIN (development and tests only; production refuses to start without
it: `check --deploy`), content is served on the other loopback name of the same port: a player
at http://127.0.0.1:8000 frames http://localhost:8000/scorm-content/... and the reverse, which
browsers treat as different sites with separate cookies.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core import signing
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
)
from django.utils.html import escape

PREFIX = "/scorm-content/"
RUNTIME_PATH = PREFIX + "-runtime/cross-frame-api.min.js"
_RUNTIME_STATIC = "bluelamp/cross-frame-api.min.js"
_SALT = "bluelamp.learning.scorm-content"
# A launch is good for a long day's study; the player page makes a new one each time it opens.
TOKEN_MAX_AGE_SECONDS = 12 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_\-:.]+$")


@dataclass(frozen=True)
class ContentGrant:
    package_uuid: str
    person_id: int
    content_origin: str
    player_origin: str


# --- origins ----------------------------------------------------------------------------------


def _origin(scheme: str, host: str) -> str:
    return f"{scheme}://{host}".lower()


def configured_origin() -> str:
    return (getattr(settings, "SCORM_CONTENT_ORIGIN", "") or "").rstrip("/").lower()


def content_origin_for(request) -> str:
    """The origin the player at `request` frames content from."""
    configured = configured_origin()
    if configured:
        return configured
    # Development: the other loopback name, same port (see the module docstring).
    host = request.get_host()
    name, _, port = host.partition(":")
    other = "127.0.0.1" if name.lower() == "localhost" else "localhost"
    return _origin(request.scheme, f"{other}:{port}" if port else other)


def _request_origin(request) -> str:
    return _origin(request.scheme, request.get_host())


def is_content_request(request) -> bool:
    configured = configured_origin()
    if configured:
        return urlsplit(configured).netloc == request.get_host().lower()
    return request.path_info.startswith(PREFIX)


# --- grants -----------------------------------------------------------------------------------


def grant_token(*, request, package_uuid, person_id: int) -> str:
    payload = {
        "p": str(package_uuid),
        "u": person_id,
        "o": content_origin_for(request),
        "a": _request_origin(request),
    }
    return signing.dumps(payload, salt=_SALT, compress=True)


def read_grant(token: str) -> ContentGrant | None:
    if not _TOKEN.match(token):
        return None
    try:
        data = signing.loads(token, salt=_SALT, max_age=TOKEN_MAX_AGE_SECONDS)
        return ContentGrant(str(data["p"]), int(data["u"]), str(data["o"]), str(data["a"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def launch_url(*, request, package_uuid, person_id: int, href: str, parameters: str, title: str) -> str:
    """The address the player frames: the launch page on the content origin, which opens `href`
    (the SCO's launch file, with its manifest parameters) beside the runtime facade."""
    token = grant_token(request=request, package_uuid=package_uuid, person_id=person_id)
    query = urlencode({"launch": href + (parameters or ""), "title": title})
    return f"{content_origin_for(request)}{PREFIX}{token}/?{query}"


# --- serving ----------------------------------------------------------------------------------


def _not_found() -> HttpResponse:
    response = HttpResponseNotFound("Not found", content_type="text/plain; charset=utf-8")
    return _harden(response, None)


_Response = TypeVar("_Response", bound=HttpResponseBase)


def _harden(response: _Response, grant: ContentGrant | None) -> _Response:
    ancestors = f"{grant.player_origin} {grant.content_origin}" if grant else "'none'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
        "connect-src 'self'; "
        "form-action 'self'; base-uri 'self'; object-src 'none'; "
        f"frame-ancestors {ancestors}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def serve(request) -> HttpResponseBase:
    """Answer a request to the content origin: a package file, the launch page, or the runtime
    facade. Nothing else, and never with a cookie."""
    if request.method not in ("GET", "HEAD"):
        return _harden(HttpResponseNotAllowed(["GET", "HEAD"]), None)
    path = request.path_info
    if path == RUNTIME_PATH:
        return _runtime_script()
    if not path.startswith(PREFIX):
        return _not_found()
    token, _, file_path = path[len(PREFIX) :].partition("/")
    grant = read_grant(token)
    if grant is None or grant.content_origin != _request_origin(request):
        return _not_found()
    if file_path == "":
        return _launch_page(request, grant)
    return _package_file(grant, file_path)


def _package_file(grant: ContentGrant, file_path: str) -> HttpResponseBase:
    from bluelamp.learning.models import ScormPackage
    from bluelamp.learning.scorm import storage

    package = ScormPackage.objects.filter(uuid=grant.package_uuid).only("uuid").first()
    if package is None:
        return _not_found()
    handle = storage.open_file(package.storage_prefix, file_path)
    if handle is None:
        return _not_found()
    return _harden(FileResponse(handle, content_type=storage.content_type(file_path)), grant)


def _safe_launch(value: str) -> str | None:
    """The SCO's launch path, relative to the package (never another site or the host's root)."""
    if (
        not value
        or value.startswith(("/", "\\"))
        or "://" in value
        or value.lower().startswith(("javascript:", "data:"))
    ):
        return None
    path = value.split("?", 1)[0].split("#", 1)[0]
    if ".." in PurePosixPath(path).parts:
        return None
    return value


def _launch_page(request, grant: ContentGrant) -> HttpResponse:
    launch = _safe_launch(request.GET.get("launch", ""))
    if launch is None:
        return _not_found()
    title = request.GET.get("title", "")[:200] or "E-learning"
    config = json.dumps({"playerOrigin": grant.player_origin})
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<style>html,body{{margin:0;height:100%;overflow:hidden}}iframe{{border:0;width:100%;height:100%;display:block}}</style>
<script src="{RUNTIME_PATH}"></script>
<script>
(function () {{
  "use strict";
  var config = {config};
  // The SCORM API the content looks for (it walks up to its parent): a facade that answers from
  // its cache and relays every call to the player's runtime, only ever to the player's origin.
  var api = new CrossFrameAPI(config.playerOrigin, window.parent);
  window.API = api;
  window.API_1484_11 = api;
  function load() {{
    var frame = document.getElementById("sco");
    frame.src = frame.getAttribute("data-src");
  }}
  // Warm the facade's cache with where the learner left off before the content asks for it.
  api._post("getFlattenedCMI", []).then(function (all) {{
    var counts = {{}};
    Object.keys(all || {{}}).forEach(function (key) {{
      api._cache.set(key, String(all[key]));
      var match = /^(cmi\\.(?:objectives|interactions|comments_from_learner|comments_from_lms))\\.(\\d+)\\./.exec(key);
      if (match) counts[match[1]] = Math.max(counts[match[1]] || 0, Number(match[2]) + 1);
    }});
    Object.keys(counts).forEach(function (key) {{ api._cache.set(key + "._count", String(counts[key])); }});
    load();
  }}, load);
}})();
</script></head>
<body><iframe id="sco" title="{escape(title)}" data-src="{escape(launch)}" allow="fullscreen; autoplay"></iframe></body></html>"""
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return _harden(response, grant)


@lru_cache(maxsize=1)
def _runtime_bytes() -> bytes:
    found = finders.find(_RUNTIME_STATIC)
    if found:
        with open(found, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(_RUNTIME_STATIC) as handle:
        return handle.read()


def _runtime_script() -> HttpResponse:
    response = HttpResponse(_runtime_bytes(), content_type="text/javascript; charset=utf-8")
    response = _harden(response, None)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


class ContentHostMiddleware:
    """Before anything else of the site (sessions, CSRF, authentication, static files): requests
    for the content origin are answered here and nowhere else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_content_request(request):
            request.COOKIES = {}
            return serve(request)
        return self.get_response(request)
