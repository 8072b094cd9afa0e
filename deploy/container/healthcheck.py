"""The container image's HEALTHCHECK (deploy/Containerfile): is the app server in this container
alive? GET /health/live on the port it listens on, with a host name ALLOWED_HOSTS accepts (the
application refuses any other Host with 400).

A container that runs something else (a task worker, a scheduled job) has no HTTP server: it is
healthy while it runs, so this exits 0 there. Only the standard library: it runs every 30 s.
"""

import http.client
import os
import sys
from pathlib import Path


def _app_server_in_this_container() -> bool:
    """Does gunicorn run here? (Process 1, as the entry point execs it, or under an init such as
    `docker run --init`.)"""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")[:2]
        except OSError:  # the process ended while we looked
            continue
        if any(part.endswith(b"/gunicorn") or part == b"gunicorn" for part in argv):
            return True
    return False


def _port() -> int:
    first = os.environ.get("GUNICORN_BIND", "").split(",")[0].strip()
    return int(first.rsplit(":", 1)[1]) if ":" in first and not first.startswith("unix:") else 8000


def _host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    if not _app_server_in_this_container():
        return 0
    connection = http.client.HTTPConnection("127.0.0.1", _port(), timeout=4)
    try:
        connection.request("GET", "/health/live", headers={"Host": _host()})
        status = connection.getresponse().status
    except OSError as error:
        print(f"/health/live: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if status != 200:
        print(f"/health/live answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
