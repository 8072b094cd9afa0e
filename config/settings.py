"""Bluelamp settings: every value a deployment changes is read from the environment here.

Defaults suit the embedded quick start (SQLite, console e-mail, DEBUG on). Production sets
BLUELAMP_ENV=production, which turns DEBUG off, requires a real SECRET_KEY and enables the
secure cookie/HSTS settings so that `manage.py check --deploy` is clean.
Secrets may be given as NAME_FILE (a path to a file holding the value), for container secrets.
"""

from pathlib import Path

import environ
from csp.constants import NONCE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None


def _secret(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


PRODUCTION = env.str("BLUELAMP_ENV", default="development") == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
TESTING = env.bool("BLUELAMP_TESTING", default=False)

SECRET_KEY = _secret("SECRET_KEY", None if PRODUCTION else "insecure-dev-key-change-me-" + "x" * 40)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["127.0.0.1", "localhost", ".localhost", "testserver", ".learn.example"],
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The host name suffix under which organisations get their own domain, e.g. kent.learn.example.
ORGANISATION_DOMAIN_SUFFIX = env.str("ORGANISATION_DOMAIN_SUFFIX", default="learn.example")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
    "axes",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "treebeard",
    "django_htmx",
    "csp",
    # Request counts and latencies for Prometheus (/metrics, bluelamp/operations/metrics.py).
    "django_prometheus",
    "bluelamp.core",
    "bluelamp.audit",
    "bluelamp.notifications",
    "bluelamp.organisations",
    "bluelamp.workingtime",
    "bluelamp.people",
    "bluelamp.learning",
    "bluelamp.compliance",
    "bluelamp.assessment",
    "bluelamp.assessment.banks",
    "bluelamp.assessment.gradebook",
    "bluelamp.assessment.quizzes",
    "bluelamp.assessment.assignments",
    "bluelamp.credentials",
    "bluelamp.programmes",
    "bluelamp.operations",
    "bluelamp.servicedesk",
    "bluelamp.changes",
    "bluelamp.events",
    "bluelamp.availability",
    "bluelamp.site",
    "bluelamp.restapi",
]

MIDDLEWARE = [
    # First and (nearly) last: every request is counted and timed, whoever answers it.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The request id (and where the request came from) first, so every line logged has it; then
    # one log line per request, timed from here (bluelamp/operations/logs.py).
    "bluelamp.core.middleware.RequestContextMiddleware",
    "bluelamp.operations.logs.RequestLogMiddleware",
    "bluelamp.core.middleware.RejectBadInputMiddleware",
    # SCORM content's own origin is answered here, before sessions, CSRF or static files exist.
    "bluelamp.learning.scorm.content_host.ContentHostMiddleware",
    # Content-Security-Policy (CONTENT_SECURITY_POLICY below), Permissions-Policy and the other
    # security headers Django does not send itself (bluelamp/core/headers.py).
    "bluelamp.core.headers.ContentSecurityPolicyMiddleware",
    "bluelamp.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the signed-in person read from the shared cache (bluelamp/people/signed_in.py).
    "bluelamp.people.signed_in.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bluelamp.organisations.middleware.OrganisationMiddleware",
    "bluelamp.organisations.middleware.AdminMfaMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    "bluelamp.operations.metrics.ScormCommitMiddleware",
    # Last, so that lockout sees the final response of a failed sign-in.
    "axes.middleware.AxesMiddleware",
]
# Machine endpoints (bluelamp/core/endpoints.py: the SCORM runtime's commits, health checks,
# metrics) answer programs, never people: the WSGI application (bluelamp/core/handlers.py) sends
# them through MIDDLEWARE without what only pages need.
PAGE_ONLY_MIDDLEWARE = {
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files (never a machine endpoint's path)
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",  # allauth's sign-in stages
    "django_htmx.middleware.HtmxMiddleware",
    "bluelamp.organisations.middleware.OrganisationMiddleware",  # branding
    "bluelamp.organisations.middleware.AdminMfaMiddleware",  # the MFA redirect
    "axes.middleware.AxesMiddleware",  # lockout after failed sign-ins
    # A machine endpoint's answer (JSON, metrics) is no document: SecurityHeadersMiddleware gives
    # it a fixed policy that allows nothing, instead of the pages' policy built per response.
    "bluelamp.core.headers.ContentSecurityPolicyMiddleware",
}
MACHINE_MIDDLEWARE = [name for name in MIDDLEWARE if name not in PAGE_ONLY_MIDDLEWARE]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "bluelamp" / "templates"],
        "APP_DIRS": True,  # each domain keeps its pages in <domain>/jinja2/
        "OPTIONS": {
            "environment": "bluelamp.core.jinja.environment",
            "autoescape": True,
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.messages.context_processors.messages",
                "bluelamp.organisations.context_processors.branding",
                "bluelamp.site.context_processors.navigation",
            ],
        },
    },
    {
        # Django templates: allauth's pages and Django admin. allauth's layout is overridden in
        # bluelamp/templates_dtl so its pages wear the same header and footer.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bluelamp" / "templates_dtl"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bluelamp.organisations.context_processors.branding",
                "bluelamp.site.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'bluelamp.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL and a busy timeout let the demo's task worker and web server share the file. IMMEDIATE
    # transactions take the write lock when they begin, so a transaction that reads then writes
    # (a quiz page saved) waits its turn under the busy timeout; with SQLite's default (DEFERRED)
    # two of them upgrade their read locks at once and one fails at once with "database is locked"
    # (docs/performance.md, the exam-start spike).
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
else:
    # Persistent connections only where the server reuses its threads: production's app-server
    # workers and the task worker each keep one connection per thread. The development server
    # starts a thread per request, and a connection kept by a finished thread is never closed
    # (a burst of requests used up PostgreSQL's connections), so there it is one per request.
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # psycopg 3's server-side binding: statements prepared once per connection and parameters sent
    # apart. Off by default: it made SCORM commits up to a third cheaper, but once PostgreSQL
    # switched the service desk's search to a generic plan (after five runs) the queue was four
    # times slower (docs/performance.md, "Serving"). Behind PgBouncer it needs PgBouncer >= 1.21
    # with max_prepared_statements set.
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=False):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )
# The one-statement SCORM commit (learning/commit_sql.py) is prepared once per connection on
# PostgreSQL: planning it cost more than running it. Behind PgBouncer in transaction pooling this
# needs PgBouncer >= 1.21 with max_prepared_statements set; set it false otherwise.
SCORM_COMMIT_PREPARED = env.bool("SCORM_COMMIT_PREPARED", default=True)

# The cache holds sign-in rate limits (allauth) and TOTP codes already used (so a code cannot be
# replayed): in production every process must share it, so REDIS_URL is required there (a deploy
# check says so). Without it, each process has its own memory cache (development, tests).
REDIS_URL = _secret("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="bluelamp"),
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Sessions are read from the cache and written through to the database: every process sees
# every session (the cache is shared in production, and a session missing from it, e.g. after
# Redis restarts, is read from the database), and a page costs no session query.
# Django's cached_db sessions, read in one round trip with the signed-in person (people/sessions.py).
SESSION_ENGINE = "bluelamp.people.sessions"
# Copies of database rows and pages kept in the cache below are dropped by the process that
# writes them; another process (a task worker, another app server) only sees that through a
# shared cache. So without Redis (development, the demo: one memory cache per process) and in the
# test suite (but for each cache's own tests) none is kept; production always has Redis.


def _read_cache(seconds: int) -> int:
    return seconds if REDIS_URL and not TESTING else 0


# Organisations and licences in force, which every request reads, are cached this long (and
# dropped by any write to them): bluelamp/organisations/cache.py. 0: not cached.
ORGANISATIONS_CACHE_SECONDS = env.int("ORGANISATIONS_CACHE_SECONDS", default=_read_cache(60))
# The signed-in person and their role assignments, which every signed-in request reads, are
# cached this long per person (and dropped by any write to them): bluelamp/people/signed_in.py,
# bluelamp/organisations/cache.py. 0: not cached.
ACCESS_CACHE_SECONDS = env.int("ACCESS_CACHE_SECONDS", default=_read_cache(60))
# The catalogue's pages (count, rows, tags) for each set of owners and filters, dropped by any
# write to a course, a version, a tag or an organisation: bluelamp/learning/catalogue.py. 0: off.
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=_read_cache(60))
# Each page of a learner's My learning, under a version per person that any write to their
# enrolments or progress replaces: bluelamp/learning/mine.py. 0: off.
MY_LEARNING_CACHE_SECONDS = env.int("MY_LEARNING_CACHE_SECONDS", default=_read_cache(60))
# A compliance dashboard level's sums of the kept counts, until the organisation's counts change:
# bluelamp/compliance/counts_cache.py. 0: off.
COMPLIANCE_CACHE_SECONDS = env.int("COMPLIANCE_CACHE_SECONDS", default=_read_cache(300))
# The service desk queue's pages (count and rows per filter and page), its staff list and its
# main content as HTML, dropped by any write to a ticket, a person or a role assignment:
# bluelamp/servicedesk/tickets/queue_cache.py, bluelamp/servicedesk/staff.py. 0: off.
DESK_CACHE_SECONDS = env.int("DESK_CACHE_SECONDS", default=_read_cache(60))
# A month's availability report once the month is over (its samples cannot change; a maintenance
# window changed drops it); the month under way is kept a minute at most:
# bluelamp/availability/reports.py. 0: off.
AVAILABILITY_CACHE_SECONDS = env.int("AVAILABILITY_CACHE_SECONDS", default=_read_cache(86400))
# The announced maintenance every signed-in page's banner reads, kept in each process (and dropped
# by any maintenance write): bluelamp/availability/banner.py. 0: read on every page.
MAINTENANCE_BANNER_CACHE_SECONDS = env.int("MAINTENANCE_BANNER_CACHE_SECONDS", default=_read_cache(60))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.Person"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    ]
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
# Uploaded files (SCORM packages, evidence, attachments): the file system by default; an
# S3-compatible object store when S3_BUCKET is set (AWS, MinIO, Ceph...; django-storages).
S3_BUCKET = env.str("S3_BUCKET", default="")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": _secret("S3_SECRET_ACCESS_KEY", "") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Upload limits: HR files of the whole workforce are tens of megabytes.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
PEOPLE_IMPORT_MAX_BYTES = env.int("PEOPLE_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)
# SCORM packages: the zip as uploaded, the files unpacked, and how many files.
BLUELAMP_SCORM_MAX_UPLOAD_BYTES = env.int("SCORM_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
BLUELAMP_SCORM_MAX_UNPACKED_BYTES = env.int("SCORM_MAX_UNPACKED_BYTES", default=2 * 1024 * 1024 * 1024)
BLUELAMP_SCORM_MAX_FILES = env.int("SCORM_MAX_FILES", default=20_000)
# imsmanifest.xml is parsed in memory; and a zip may unpack to at most this many times its own
# size, in all and file by file (files over 1 MB): zip bombs that stay within the limits above.
BLUELAMP_SCORM_MAX_MANIFEST_BYTES = env.int("SCORM_MAX_MANIFEST_BYTES", default=5 * 1024 * 1024)
BLUELAMP_SCORM_MAX_COMPRESSION_RATIO = env.int("SCORM_MAX_COMPRESSION_RATIO", default=100)
# Where SCORM packages' files are served from: an origin of their own (scheme://host[:port]), so
# their scripts cannot use a learner's session on the site. Use a host name on another registrable
# domain than the site's (e.g. https://learn-content.example for https://learn.example); it
# must resolve to this application. Required in production; in development the other loopback
# name of the same port is used (127.0.0.1 <-> localhost). See bluelamp/learning/scorm/content_host.py.
SCORM_CONTENT_ORIGIN = env.str("SCORM_CONTENT_ORIGIN", default="").rstrip("/")
if SCORM_CONTENT_ORIGIN:
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, SCORM_CONTENT_ORIGIN.split("://", 1)[-1].split(":", 1)[0]]
# Evidence files attached to external/CPD records.
BLUELAMP_EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)

# E-mail
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = _secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bluelamp <no-reply@bluelamp.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The service desk writes to requesters from its own address; their replies thread onto tickets.
SERVICE_DESK_FROM_EMAIL = env.str(
    "SERVICE_DESK_FROM_EMAIL", default="Bluelamp service desk <servicedesk@bluelamp.example>"
)
# Inbound e-mail: `bluelamp mail-in` reads one message from an MTA pipe; `bluelamp mail-poll`
# (or the servicedesk.mail_tasks.mail_poll task) reads unseen messages from this IMAP mailbox. No host: no polling.
SERVICEDESK_IMAP_HOST = env.str("SERVICEDESK_IMAP_HOST", default="")
SERVICEDESK_IMAP_SSL = env.bool("SERVICEDESK_IMAP_SSL", default=True)
SERVICEDESK_IMAP_PORT = env.int("SERVICEDESK_IMAP_PORT", default=993 if SERVICEDESK_IMAP_SSL else 143)
SERVICEDESK_IMAP_USER = env.str("SERVICEDESK_IMAP_USER", default="")
SERVICEDESK_IMAP_PASSWORD = _secret("SERVICEDESK_IMAP_PASSWORD", "")
SERVICEDESK_IMAP_MAILBOX = env.str("SERVICEDESK_IMAP_MAILBOX", default="INBOX")
# Where processed messages go (created if missing); empty: they stay in the mailbox, marked seen.
SERVICEDESK_IMAP_PROCESSED_MAILBOX = env.str("SERVICEDESK_IMAP_PROCESSED_MAILBOX", default="")
# Larger messages are refused (mail-in exits 65; the poller leaves them unseen).
SERVICEDESK_MAIL_MAX_BYTES = env.int("SERVICEDESK_MAIL_MAX_BYTES", default=25 * 1024 * 1024)

# Background tasks (Django's Tasks API backport, database backend by default).
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default="django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}
# Task workers (`bluelamp worker`, bluelamp/operations/workers.py): each says it is alive every
# WORKER_HEARTBEAT_SECONDS; a task whose worker has not been seen for WORKER_LOST_AFTER_SECONDS
# (killed, out of memory, its machine gone) is put back in the queue and run again. Keep the second
# several times the first, and well above any pause of a machine's clock or database connection.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=10.0)
WORKER_LOST_AFTER_SECONDS = env.float("WORKER_LOST_AFTER_SECONDS", default=60.0)

# Health (/health/ready, bluelamp/operations/health.py): the parts without which this process
# must not take requests (503, so the load balancer sends them elsewhere), and how long the oldest
# due task or e-mail may wait before its queue is reported down (it is then "degraded", not 503,
# unless named here too: task_queue, email).
HEALTH_REQUIRED_PARTS = env.list("HEALTH_REQUIRED_PARTS", default=["database", "cache", "storage"])
HEALTH_TASK_LAG_SECONDS = env.float("HEALTH_TASK_LAG_SECONDS", default=300.0)
HEALTH_EMAIL_LAG_SECONDS = env.float("HEALTH_EMAIL_LAG_SECONDS", default=900.0)
# Availability (bluelamp/availability): every minute a worker records each part's health, and
# whether the web pages answer at AVAILABILITY_PROBE_URL (from the worker, through the load
# balancer as people reach them; empty: the pages are not monitored). The monthly target, and
# how many days before planned maintenance every page shows a banner.
AVAILABILITY_PROBE_URL = env.str("AVAILABILITY_PROBE_URL", default=SITE_URL.rstrip("/") + "/health/live")
AVAILABILITY_TARGET_PERCENT = env.float("AVAILABILITY_TARGET_PERCENT", default=98.0)
MAINTENANCE_BANNER_DAYS = env.int("MAINTENANCE_BANNER_DAYS", default=3)

# Prometheus scrapes /metrics with `Authorization: Bearer <METRICS_TOKEN>`; without a token the
# address does not exist. Several processes: PROMETHEUS_MULTIPROC_DIR (docs/operations.md).
METRICS_TOKEN = _secret("METRICS_TOKEN", "") or ""

# Sign-in (django-allauth)
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "bluelamp.people.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "bluelamp.people.adapters.SocialAccountAdapter"
# People are created by their organisation (HR import or admin), not by open sign-up.
ACCOUNT_ALLOW_SIGNUPS = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
# django-axes locks an account after 5 wrong passwords from one address (AXES_*, below). allauth's
# own counter is the backstop: per account across many addresses, and per address loose enough
# that one officer's typos do not lock out a whole police station behind one NAT address.
# Only failures count: allauth's default "login" limit (30 a minute per address, successes
# included) locked a whole station out at shift change.
# Asking for a password reset: 5 a minute for one e-mail address, 20 a minute from one address
# (allauth's defaults, stated); following the link in the e-mail: 20 a minute from one address.
# Over either, allauth answers 429. All are counted in the shared cache (REDIS_URL).
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": "100/5m/ip,10/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Public lookups without signing in (the licence check, checking a certificate's code), per client
# address, counted in the shared cache (bluelamp/core/ratelimits.py). Off in the test suite, where
# every request comes from one address; its own tests turn it on.
RATE_LIMIT_PUBLIC_LOOKUPS = env.str("RATE_LIMIT_PUBLIC_LOOKUPS", default="60/m")
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=not TESTING)
# Behind a reverse proxy every request comes from the proxy's address: RATELIMIT_IP_META_KEY names
# the header in which the proxy gives the client's, one address that the proxy sets itself
# (e.g. HTTP_X_REAL_IP for nginx's `proxy_set_header X-Real-IP $remote_addr`; never
# X-Forwarded-For, which the client can add to). allauth's sign-in and password-reset limits and
# django-axes' lockout read it too: without it they would count everyone as the proxy.
if env.str("RATELIMIT_IP_META_KEY", default=""):
    RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY")
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = RATELIMIT_IP_META_KEY.removeprefix("HTTP_").replace("_", "-")
    AXES_CLIENT_IP_CALLABLE = "bluelamp.core.ratelimits.client_address"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
SOCIALACCOUNT_ONLY = False
# Single sign-on matches a person by e-mail only within the identity provider's own organisation;
# bluelamp.people.adapters.SocialAccountAdapter does it, not allauth's organisation-blind matching.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_STORE_TOKENS = False
# allauth's forms with GOV.UK-style labels and error messages (behaviour unchanged).
ACCOUNT_FORMS = {
    "login": "bluelamp.people.sign_in_forms.SignInForm",
    "reset_password": "bluelamp.people.sign_in_forms.ResetPasswordForm",
    "reset_password_from_key": "bluelamp.people.sign_in_forms.ResetPasswordKeyForm",
    "reauthenticate": "bluelamp.people.sign_in_forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "bluelamp.people.sign_in_forms.AuthenticateForm",
    "activate_totp": "bluelamp.people.sign_in_forms.ActivateTOTPForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Bluelamp"
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "/accounts/login/"

# Lockout after repeated failures (django-axes).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "bluelamp.people.lockout.username_for_lockout"
AXES_RESET_ON_SUCCESS = True
# A page in our style (HTTP 429) that says when to try again and how to reset the password.
AXES_LOCKOUT_CALLABLE = "bluelamp.people.lockout.sign_in_locked_out"
AXES_VERBOSE = False
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "oldpassword", "token"]

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # knox tokens (stored hashed) that also record when each was last used.
        "bluelamp.restapi.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every API view, in whichever domain's rest/ it lives, unless it says otherwise (the public
    # licence check does): signed in; an administrator's session has MFA; their organisation's
    # PL-P-101 is in force. What they may see is then up to the domain's access helpers.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "bluelamp.restapi.permissions.SignedInAdministratorsHaveMfa",
        "bluelamp.restapi.permissions.OrganisationDomainInForce",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    # What `manage.py spectacular` documents when no --api-version is given.
    "DEFAULT_VERSION": "v1",
}
REST_KNOX = {"TOKEN_TTL": None, "AUTO_REFRESH": False}
# knox's own token model; named here because bluelamp.restapi.ApiToken points at it.
KNOX_TOKEN_MODEL = "knox.AuthToken"
SPECTACULAR_SETTINGS = {
    "TITLE": "Bluelamp API",
    "DESCRIPTION": "Organisations, licences, units and people; courses, enrolments, progress and "
    "learner records. Every endpoint is scoped as the web pages are for the token's owner (the "
    "organisations and units they administer, the people who report to them, their own learning); "
    "anything else is 404, as if it did not "
    "exist. Create a token on the API tokens page (/api/tokens/, signed in) and send it as "
    "`Authorization: Token <token>`. The licence check needs no token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Licences and people both have a "status"; name the two enums apart.
    "ENUM_NAME_OVERRIDES": {
        "LicenceStatusEnum": "bluelamp.organisations.api.Licence.Status",
        "PersonStatusEnum": "bluelamp.people.api.Person.Status",
        "CourseStatusEnum": "bluelamp.learning.api.Course.Status",
        "EnrolmentStatusEnum": "bluelamp.learning.api.Enrolment.Status",
        "ActivityProgressStatusEnum": "bluelamp.learning.api.ActivityProgress.Status",
        # Organisations and activities both have a "kind"; the organisations' keeps its name.
        "KindEnum": "bluelamp.organisations.api.Organisation.Kind",
        "ActivityKindEnum": "bluelamp.learning.api.Activity.Kind",
    },
}

# Backups (docs/backups.md): the encryption key (or BACKUP_KEY_FILE), where the daily job writes
# sets, and how many it keeps.
BACKUP_KEY = _secret("BACKUP_KEY", "")
BACKUP_DIR = env.str("BACKUP_DIR", default="")
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)

# Logs: one JSON object per line in production (LOG_FORMAT=json: time, level, logger, message,
# request_id, path, status, duration), plain text in development; every line carries its request's
# id (in tasks too), and secret-named fields are redacted (bluelamp/operations/logs.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
# One line per request (the development server logs its own).
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "bluelamp.operations.logs.RequestContextFilter"},
        "redact_secrets": {"()": "bluelamp.operations.logs.RedactSecretsFilter"},
    },
    "formatters": {
        "json": {"()": "bluelamp.operations.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_context", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Optional error reporting: set SENTRY_DSN (or SENTRY_DSN_FILE) to send errors to Sentry.
SENTRY_DSN = _secret("SENTRY_DSN", "") or ""
if SENTRY_DSN and not TESTING:
    from bluelamp.operations.logs import error_reporting_start

    error_reporting_start(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production" if PRODUCTION else "development"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Card payments for paid event places (bluelamp/events/gateway.py): Stripe's secret key, publishable
# key and webhook signing secret (each also as NAME_FILE); without both keys, paid places cannot be
# booked. STRIPE_API_BASE and STRIPE_JS_URL are Stripe's own addresses, changed only by the tests
# (a fake Stripe server). Never logged.
STRIPE_SECRET_KEY = _secret("STRIPE_SECRET_KEY", "") or ""
STRIPE_PUBLISHABLE_KEY = _secret("STRIPE_PUBLISHABLE_KEY", "") or ""
STRIPE_WEBHOOK_SECRET = _secret("STRIPE_WEBHOOK_SECRET", "") or ""
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe the app servers directly over HTTP: a redirect would read as "unhealthy".
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True

# Security headers (docs/operations.md, "Security headers"; bluelamp/core/headers.py sends them).
# Content-Security-Policy (django-csp): scripts only from our own static files, plus the one
# inline line of GOV.UK Frontend's page template, which carries the request's nonce; no eval.
# Style attributes stay allowed (the organisation's brand colour, the player's table of contents,
# htmx's indicator styles). No page frames anything (the SCORM player alone adds its content
# origin to frame-src) or may be framed; no plug-ins or workers; <base> and forms only to
# ourselves. Not Trusted Types: htmx swaps HTML in with innerHTML.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        # Where a form may send the browser, the redirects after it included (browsers check each).
        "form-action": [SELF],
    }
}
# Single sign-on starts on allauth's "Sign in with <provider>" page: its form posts to us and we
# redirect to the organisation's identity provider, which form-action governs too. Providers are
# set per organisation in the database (any https address, and one may pass the browser on, e.g.
# Entra ID to AD FS), so on those pages alone a form may lead to any https origin (and, outside
# production, to a provider on this machine). By URL name; our own views set response._csp_update.
_SIGN_IN_ELSEWHERE = {
    "form-action": ["https:"] + ([] if PRODUCTION else ["http://localhost:*", "http://127.0.0.1:*"])
}
CSP_UPDATES_BY_VIEW = {"openid_connect_login": _SIGN_IN_ELSEWHERE, "saml_login": _SIGN_IN_ELSEWHERE}
# The staged rollout, for a deployment with content of its own to check first: CSP_REPORT_ONLY=true
# sends the same policy as Content-Security-Policy-Report-Only, so nothing is refused and every
# violation is reported. (CSP_ENFORCE here: django-csp refuses to start with a setting named
# CSP_REPORT_ONLY, its version 3 setting; check csp.E001.)
CSP_ENFORCE = not env.bool("CSP_REPORT_ONLY", default=False)
if PRODUCTION and CSP_ENFORCE:
    # An http:// address in a page is fetched over HTTPS (browsers ignore it in a report-only policy).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True
# Violation reports (bluelamp/operations/urls_csp_reports.py): browsers post them to /csp-reports,
# each becomes a log line (logger bluelamp.csp) and a count in /metrics; at most
# RATE_LIMIT_CSP_REPORTS posts per client address. CSP_REPORTS=false leaves reporting out of the
# policy, and the address answers 404. report-to names the Reporting-Endpoints entry (Chromium);
# report-uri is for browsers without the Reporting API.
CSP_REPORTS = env.bool("CSP_REPORTS", default=True)
RATE_LIMIT_CSP_REPORTS = env.str("RATE_LIMIT_CSP_REPORTS", default="60/m")
if CSP_REPORTS:
    CONTENT_SECURITY_POLICY["DIRECTIVES"].update({"report-uri": ["/csp-reports"], "report-to": "csp"})
# Pages are never framed (frame-ancestors above, and this for browsers without it).
X_FRAME_OPTIONS = "DENY"
# Django's defaults, stated: no page's address (which names people's records) goes to another
# site in the Referer header; a window of another site that we open, or that opens ours, cannot
# reach into it (Cross-Origin-Opener-Policy). No Cross-Origin-Embedder-Policy: require-corp would
# need every response of the SCORM content origin to opt in, for nothing we use.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# SQLite (the quick start) cannot build the "one current assignment per role and scope"
# constraint with NULLs treated as equal; the role service enforces it on every database.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
