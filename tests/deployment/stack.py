"""The deployment the scale-out test runs, every part a real process on 127.0.0.1: a PostgreSQL
database of its own, Redis (under a key prefix of its own), an S3-compatible object store (moto's
server), an SMTP server (aiosmtpd, in the test's process), two gunicorn app servers started as
operators start them (`gunicorn -c config/gunicorn.py`, production settings from the
environment), two `bluelamp worker` processes, and nginx with deploy/nginx/bluelamp.conf rendered
as operators render it. `deployment()` starts it all and takes it all down again, the database
and the Redis keys too, whatever happens in between.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import urllib3

from bluelamp.notifications.tests.smtp import Inbox, SmtpServer

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE_HOST = "learn.example"
CONTENT_HOST = "learn-content.example"
PERSON_EMAIL = "scale.out@kent.police.uk"
PERSON_PASSWORD = "Scale-out-" + secrets.token_urlsafe(12)
POSTGRES = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres", "connect_timeout": 3}
REDIS = ("127.0.0.1", 6379)
# Short, so that a killed worker's task is taken back within seconds; still five beats, so that
# a living worker on a busy machine is never taken for lost.
HEARTBEAT_SECONDS, LOST_AFTER_SECONDS = 1, 5
TASKS_TABLE = "django_tasks_database_dbtaskresult"


# --- what is needed -------------------------------------------------------------------------------


def _answers(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=2):
        return True
    return False


def missing() -> list[str]:
    """The tools and services this machine lacks for the test (empty: all there)."""
    lacking = []
    if not Path(NGINX).exists():
        lacking.append("nginx (Debian's: apt-get install nginx)")
    for tool in ("gunicorn", "moto_server", "bluelamp"):
        if not (BIN / tool).exists():
            lacking.append(f"{tool} (uv sync)")
    if not _answers(POSTGRES["host"], POSTGRES["port"]):
        lacking.append("PostgreSQL on 127.0.0.1:5432")
    if not _answers(*REDIS):
        lacking.append("Redis on 127.0.0.1:6379")
    return lacking


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(what: str, check: Callable[[], Any], *, timeout: float, every: float = 0.2) -> Any:
    """Poll `check` until it returns something true; that, or AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f} s for {what}")
        time.sleep(every)


# --- processes ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Process:
    """A process of the deployment, in a session of its own (gunicorn's master and its workers
    are stopped together), its output in a log file."""

    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def terminate(self) -> None:
        """SIGTERM to the process and its children: a graceful stop."""
        if self.running():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGTERM)

    def stop(self, *, timeout: float = 15) -> None:
        """A graceful stop, and SIGKILL for whatever has not stopped after `timeout` seconds."""
        if not self.running():
            return
        self.terminate()
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)


def _start(name: str, command: list[str], *, env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(  # noqa: S603 - our own tools, no shell
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Process(name=name, popen=popen, log=log)


def _run(name: str, command: list[str], *, env: dict[str, str], logs: Path, timeout: float = 120) -> str:
    process = _start(name, command, env=env, logs=logs)
    _finished(process, timeout=timeout)
    return process.log_text()


def _finished(process: Process, *, timeout: float = 180) -> None:
    """Wait for a one-off step started with `_start`; AssertionError with its log if it failed."""
    try:
        code = process.popen.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.stop()
        code = -1
    assert code == 0, f"{process.name} failed ({code}):\n{process.log_text()[-3000:]}"


# --- HTTP, as a browser does it ---------------------------------------------------------------------


@dataclasses.dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def request_id(self) -> str:
        return self.headers.get("X-Request-ID", "")


class Browser:
    """One browser's cookies, used against any address: the proxy over HTTPS (SNI and the
    certificate checked for the site's name), or an app server directly, as the proxy speaks to
    it. Cookies are kept by hand: they are Secure, and the app servers are plain HTTP."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def send(
        self,
        pool: urllib3.HTTPConnectionPool,
        method: str,
        path: str,
        *,
        fields: dict[str, Any] | None = None,
        multipart: bool = False,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        sent = {"Host": SITE_HOST, "User-Agent": "bluelamp-scale-out-test"}
        if not isinstance(pool, urllib3.HTTPSConnectionPool):
            sent["X-Forwarded-Proto"] = "https"  # as the proxy says it
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if method == "POST":
            # A browser's form POST: its origin, and where it came from.
            sent["Origin"] = f"https://{SITE_HOST}"
            sent["Referer"] = f"https://{SITE_HOST}{path}"
        sent.update(headers or {})
        if fields is not None and not multipart:
            response = pool.request_encode_body(
                method, path, fields=fields, headers=sent, encode_multipart=False, redirect=False
            )
        elif fields is not None:
            response = pool.request(method, path, fields=fields, headers=sent, redirect=False)
        else:
            response = pool.request(method, path, headers=sent, redirect=False)
        for line in response.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Answer(status=response.status, headers=response.headers, body=response.data)


class FormFields(HTMLParser):
    """Every form field's values on a page: a text input's or hidden input's value, each radio
    button's, each option of a select (but the empty one)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, list[str]] = defaultdict(list)
        self._select: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            self.values[name].append(attributes.get("value") or "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and attributes.get("value"):
            self.values[self._select].append(attributes["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None

    def first(self, name: str) -> str:
        assert self.values.get(name), f"no field {name!r} on the page"
        return self.values[name][0]


# --- TLS and nginx ----------------------------------------------------------------------------------


def _self_signed(host: str, directory: Path, stem: str) -> Path:
    """A certificate for `host` (its own issuer), and its key: `stem`.crt and `stem`.key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (directory / f"{stem}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (directory / f"{stem}.key").chmod(0o600)
    path = directory / f"{stem}.crt"
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def render_site(
    *, app_servers: list[str], tls_dir: Path, log_dir: Path, https_port: int, http_port: int
) -> str:
    """deploy/nginx/bluelamp.conf with its {{NAME}}s filled in, as operators do; and its listen
    addresses moved from ports 443 and 80 to free ports on 127.0.0.1."""
    text = (REPO / "deploy" / "nginx" / "bluelamp.conf").read_text()
    values = {
        "SITE_HOST": SITE_HOST,
        "CONTENT_HOST": CONTENT_HOST,
        "APP_SERVER_1": app_servers[0],
        "APP_SERVER_2": app_servers[1],
        "TLS_DIR": str(tls_dir),
        "LOG_DIR": str(log_dir),
    }
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    in_force = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.findall(r"\{\{\w+\}\}", in_force), (
        "deploy/nginx/bluelamp.conf has a placeholder unknown here"
    )
    text, https = re.subn(r"(?m)^(\s*)listen 443 ", rf"\g<1>listen 127.0.0.1:{https_port} ", text)
    text, http = re.subn(r"(?m)^(\s*)listen 80;", rf"\g<1>listen 127.0.0.1:{http_port};", text)
    assert (https, http) == (2, 1), "deploy/nginx/bluelamp.conf: expected two servers on 443, one on 80"
    return text


def _nginx_main(directory: Path) -> str:
    """The parts of nginx.conf that are the machine's, not Bluelamp's (Debian's /etc/nginx/
    nginx.conf in production): here all in the test's own directory."""
    temp = directory / "temp"
    mime = "    include /etc/nginx/mime.types;\n" if Path("/etc/nginx/mime.types").exists() else ""
    return (
        "worker_processes 1;\n"
        f"pid {directory}/nginx.pid;\n"
        f"error_log {directory}/logs/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"{mime}"
        "    default_type application/octet-stream;\n"
        f"    client_body_temp_path {temp}/client_body;\n"
        f"    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n"
        f"    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        f"    include {directory}/bluelamp.conf;\n"
        "}\n"
    )


# --- the deployment ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Deployment:
    root: Path
    env: dict[str, str]
    database: str
    bucket: str
    s3_endpoint: str
    media_root: Path
    inbox: Inbox
    app_ports: list[int]
    https_port: int
    http_port: int
    access_log: Path
    tls_dir: Path
    processes: dict[str, Process] = dataclasses.field(default_factory=dict)

    # -- addresses --

    def proxy(self) -> urllib3.HTTPSConnectionPool:
        return urllib3.HTTPSConnectionPool(
            "127.0.0.1",
            self.https_port,
            cert_reqs="CERT_REQUIRED",
            ca_certs=str(self.tls_dir / "site.crt"),
            server_hostname=SITE_HOST,
            assert_hostname=SITE_HOST,
            retries=False,
            timeout=30,
        )

    def content_origin(self) -> urllib3.HTTPSConnectionPool:
        """The proxy as SCORM content's host name reaches it: its own server block and certificate."""
        return urllib3.HTTPSConnectionPool(
            "127.0.0.1",
            self.https_port,
            cert_reqs="CERT_REQUIRED",
            ca_certs=str(self.tls_dir / "content.crt"),
            server_hostname=CONTENT_HOST,
            assert_hostname=CONTENT_HOST,
            retries=False,
            timeout=30,
        )

    def app_server(self, n: int) -> urllib3.HTTPConnectionPool:
        return urllib3.HTTPConnectionPool("127.0.0.1", self.app_ports[n], retries=False, timeout=30)

    def app_address(self, n: int) -> str:
        return f"127.0.0.1:{self.app_ports[n]}"

    def upstream_of(self, request_id: str) -> str:
        """Which app server answered the request (nginx's access log, by its request id)."""
        assert request_id, "the answer carries no X-Request-ID"

        def find() -> str:
            for line in self.access_log.read_text().splitlines():
                if f"request_id={request_id}" in line:
                    return re.search(r"upstream=(\S+)", line).group(1)  # type: ignore[union-attr]
            return ""

        return wait_until(f"request {request_id} in nginx's access log", find, timeout=5)

    # -- the database, read directly --

    def query(self, sql: str, *params: Any) -> list[tuple]:
        import psycopg

        with psycopg.connect(**{**POSTGRES, "dbname": self.database}) as connection:
            return connection.execute(sql, params).fetchall()

    def tasks(self) -> list[tuple[str, str, list[str], str]]:
        """Every task result: id, status, worker ids, task path."""
        rows = self.query(f"SELECT id, status, worker_ids, task_path FROM {TASKS_TABLE} ORDER BY enqueued_at")  # noqa: S608
        return [
            (str(i), status, ids if isinstance(ids, list) else json.loads(ids), path)
            for i, status, ids, path in rows
        ]

    def python(self, name: str, *arguments: str) -> str:
        """`python -m <arguments>` with the deployment's environment, from the repository."""
        return _run(name, [sys.executable, "-m", *arguments], env=self.env, logs=self.root / "logs")

    def start_worker(self, n: int) -> Process:
        name = f"worker-{n}"
        process = _start(
            name,
            [str(BIN / "bluelamp"), "worker", "--worker-id", name, "--interval", "0.2", "--no-startup-delay"],
            env=self.env,
            logs=self.root / "logs",
        )
        self.processes[name] = process
        return process


def _production_env(**values: str) -> dict[str, str]:
    # This process runs the test suite's settings; the deployment gets production's, from scratch.
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "SSL_CERT_FILE", "TMPDIR")
    env = {name: os.environ[name] for name in kept if name in os.environ}
    env.update(values)
    return env


def _create_database(name: str) -> None:
    import psycopg

    with psycopg.connect(**POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(**POSTGRES, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _forget_redis_keys(prefix: str) -> None:
    import redis

    client = redis.Redis(host=REDIS[0], port=REDIS[1], socket_timeout=5)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=500))
    if keys:
        client.delete(*keys)


def _http_ok(port: int, path: str) -> bool:
    try:
        response = urllib3.HTTPConnectionPool("127.0.0.1", port, retries=False, timeout=2).request(
            "GET", path, headers={"Host": SITE_HOST}
        )
    except urllib3.exceptions.HTTPError:
        return False
    return response.status == 200


@contextlib.contextmanager
def deployment() -> Iterator[Deployment]:
    """Start everything; yield; stop everything and drop what it made, even on failure."""
    root = Path(tempfile.mkdtemp(prefix="bluelamp-deployment-"))
    # nginx's workers run as an unprivileged user when nginx is started as root: they must reach
    # their temporary directories under here.
    root.chmod(0o755)
    (root / "logs").mkdir()
    token = secrets.token_hex(4)
    database, prefix, bucket = (
        f"bluelamp_deploy_{token}",
        f"bluelamp-deploy-{token}",
        f"bluelamp-deploy-{token}",
    )
    processes: dict[str, Process] = {}
    smtp: SmtpServer | None = None
    database_made = False
    try:
        ports = {name: free_port() for name in ("s3", "smtp", "app1", "app2", "https", "http")}
        smtp = SmtpServer(ports["smtp"])
        inbox = smtp.start(Inbox())
        processes["s3"] = _start(
            "s3",
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(ports["s3"])],
            env=_production_env(),
            logs=root / "logs",
        )
        _create_database(database)
        database_made = True
        static_root, media_root, tls_dir = root / "static", root / "media", root / "tls"
        tls_dir.mkdir()
        endpoint = f"http://127.0.0.1:{ports['s3']}"
        env = _production_env(
            BLUELAMP_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=SITE_HOST,
            SITE_URL=f"https://{SITE_HOST}",
            SCORM_CONTENT_ORIGIN=f"https://{CONTENT_HOST}",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
            REDIS_URL=f"redis://{REDIS[0]}:{REDIS[1]}/0",
            CACHE_KEY_PREFIX=prefix,
            S3_BUCKET=bucket,
            S3_ENDPOINT_URL=endpoint,
            S3_REGION="eu-west-2",
            S3_ACCESS_KEY_ID="deployment-test",
            S3_SECRET_ACCESS_KEY="deployment-test-secret",  # noqa: S106 - moto's, for this run
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(ports["smtp"]),
            STATIC_ROOT=str(static_root),
            MEDIA_ROOT=str(media_root),
            WORKER_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS),
            WORKER_LOST_AFTER_SECONDS=str(LOST_AFTER_SECONDS),
            RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP",
            WEB_CONCURRENCY="2",
            PYTHONPATH=str(REPO),
            PYTHONUNBUFFERED="1",
        )
        # The release step, the two at once: the schema, and the static files.
        bluelamp = str(BIN / "bluelamp")
        migrate = _start("migrate", [bluelamp, "migrate", "--no-input", "-v0"], env=env, logs=root / "logs")
        collectstatic = _start(
            "collectstatic", [bluelamp, "collectstatic", "--no-input", "-v0"], env=env, logs=root / "logs"
        )
        wait_until(
            f"moto's S3 server on port {ports['s3']}", lambda: _answers("127.0.0.1", ports["s3"]), timeout=30
        )
        import boto3

        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="eu-west-2",
            aws_access_key_id="deployment-test",
            aws_secret_access_key="deployment-test-secret",  # noqa: S106
        ).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        deployment = Deployment(
            root=root,
            env=env,
            database=database,
            bucket=bucket,
            s3_endpoint=endpoint,
            media_root=media_root,
            inbox=inbox,
            app_ports=[ports["app1"], ports["app2"]],
            https_port=ports["https"],
            http_port=ports["http"],
            access_log=root / "logs" / "bluelamp.access.log",
            tls_dir=tls_dir,
            processes=processes,
        )
        # Each part as soon as what it needs is there: the workers and the person once the schema
        # is, the app servers once the static files are (WhiteNoise reads them when it starts).
        _finished(migrate)
        seed = _start(
            "seed",
            [sys.executable, "-m", "tests.deployment.run", "seed", PERSON_EMAIL, PERSON_PASSWORD],
            env=env,
            logs=root / "logs",
        )
        for n in (1, 2):
            deployment.start_worker(n)
        _finished(collectstatic)
        for n, port in enumerate(deployment.app_ports, start=1):
            processes[f"app{n}"] = _start(
                f"app{n}",
                [str(BIN / "gunicorn"), "-c", "config/gunicorn.py"],
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                logs=root / "logs",
            )
        _finished(seed)

        _self_signed(SITE_HOST, tls_dir, "site")
        _self_signed(CONTENT_HOST, tls_dir, "content")
        (root / "temp").mkdir()
        (root / "bluelamp.conf").write_text(
            render_site(
                app_servers=[deployment.app_address(0), deployment.app_address(1)],
                tls_dir=tls_dir,
                log_dir=root / "logs",
                https_port=ports["https"],
                http_port=ports["http"],
            )
        )
        (root / "nginx.conf").write_text(_nginx_main(root))
        nginx = [
            NGINX,
            "-p",
            str(root),
            "-c",
            str(root / "nginx.conf"),
            "-e",
            str(root / "logs" / "error.log"),
        ]
        _run("nginx-test", [*nginx, "-t"], env=_production_env(), logs=root / "logs", timeout=30)
        processes["nginx"] = _start(
            "nginx", [*nginx, "-g", "daemon off;"], env=_production_env(), logs=root / "logs"
        )

        for n, port in enumerate(deployment.app_ports, start=1):
            wait_until(
                f"app server {n} on port {port}", lambda port=port: _http_ok(port, "/health/live"), timeout=60
            )
        wait_until("nginx", lambda: _answers("127.0.0.1", ports["https"]), timeout=20)
        wait_until(
            "both task workers' heartbeats",
            lambda: deployment.query("SELECT count(*) FROM operations_workerheartbeat")[0][0] == 2,
            timeout=60,
        )
        for name, process in processes.items():
            assert process.running(), f"{name} stopped:\n{process.log_text()[-3000:]}"
        yield deployment
    finally:
        # All asked to stop at once, then each waited for (or killed).
        for process in reversed(list(processes.values())):
            process.terminate()
        for process in reversed(list(processes.values())):
            process.stop()
        if smtp is not None:
            smtp.stop()
        if database_made:
            _drop_database(database)
        with contextlib.suppress(Exception):
            _forget_redis_keys(prefix)
        if os.environ.get("BLUELAMP_DEPLOYMENT_KEEP"):
            print(f"\nThe deployment's files are kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


def logs_tail(deployment: Deployment, lines: int = 40) -> str:
    """The end of every process's log and nginx's error log, for a failure's report."""
    parts = []
    for path in sorted((deployment.root / "logs").glob("*.log")):
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        parts.append(f"--- {path.name}\n" + "\n".join(tail))
    return "\n".join(parts)
