"""gunicorn settings for Bluelamp's app server: `gunicorn -c config/gunicorn.py`.

Every value can be changed from the environment (the same environment as the application's own
settings, config/settings.py), so one systemd unit, container image or Kubernetes manifest serves
every size of deployment. How these defaults were chosen: docs/performance.md ("Serving").

    GUNICORN_BIND            where to listen (default 127.0.0.1:8000; several, comma-separated;
                             `unix:/run/bluelamp/app.sock` for a socket)
    WEB_CONCURRENCY          worker processes (default: one per core, the best measured on 2
                             cores shared with PostgreSQL and Redis: pages as many as with one
                             more, SCORM commits 10-15% more with a lower p95; more only adds
                             memory and contention. With PostgreSQL and Redis on other machines
                             a worker waits longer for each: measure one more per core there)
    GUNICORN_THREADS         threads per worker (default 1: sync workers; the reverse proxy
                             buffers slow clients, so a worker is never held by one)
    GUNICORN_TIMEOUT         seconds a request may run before its worker is restarted (60)
    GUNICORN_MAX_REQUESTS    requests after which a worker is replaced (5000, with jitter),
                             so no slow growth of memory outlives a day
    FORWARDED_ALLOW_IPS      proxies trusted for X-Forwarded-* (default 127.0.0.1,::1)
    PROMETHEUS_MULTIPROC_DIR a directory for the workers' metric files (docs/operations.md);
                             emptied when the server starts
"""

import os
import shutil
from pathlib import Path


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


wsgi_app = "config.wsgi:application"
bind = [
    address.strip()
    for address in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
    if address.strip()
]
workers = _int("WEB_CONCURRENCY", os.cpu_count() or 1)
threads = _int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
# Behind nginx or HAProxy with keep-alive to the upstream.
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10
# The application is imported once, before the workers fork: they share its memory pages, and a
# fault in the code or the settings stops the server at once instead of in every worker.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The workers' heartbeat files in memory, not on a disk that may stall (containers' overlay fs).
_SHM = "/dev/shm"  # noqa: S108 - gunicorn makes its files there with mkstemp
worker_tmp_dir = _SHM if Path(_SHM).is_dir() else None
# Every request is logged by the application itself, as JSON with its request id
# (bluelamp/operations/logs.py): gunicorn's own access log would say it twice.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "bluelamp"
# Requests' size limits (gunicorn refuses larger with 400): long query strings of filters pass.
limit_request_line = 8190


def on_starting(server) -> None:  # noqa: ANN001 - gunicorn's hook signature
    """Before the workers fork: no database connection of the master's may be inherited by them
    (two processes on one socket), and the metric files of a previous run are emptied (their
    counters belong to processes now gone)."""
    from django.db import connections

    connections.close_all()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if directory and Path(directory).is_dir():
        for entry in Path(directory).iterdir():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def child_exit(server, worker) -> None:  # noqa: ANN001
    """Mark a finished worker's metric files dead, so its gauges stop counting (docs/operations.md)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
