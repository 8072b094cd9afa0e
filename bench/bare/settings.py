"""A bare Django 5.2 app: the baseline Bluelamp's serving figures are compared with, in the same run
(bench/bench_serving.py). Two views, no middleware but Django's common one, no templates:

- GET /trivial: a plain "ok";
- POST /upsert: parse a JSON body and upsert one row (INSERT ... ON CONFLICT DO UPDATE), the least
  work a SCORM commit could be.

Same database server and connection settings as Bluelamp in production (CONN_MAX_AGE 60, health
checks on), so only the application's own work differs.
"""

import os

import environ

env = environ.Env()
SECRET_KEY = "bench-bare-" + "x" * 40  # noqa: S105 - a benchmark's throwaway key
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if os.environ.get("BENCH_SERVER_SIDE_BINDING") == "1":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
USE_TZ = True
LOGGING_CONFIG = None
