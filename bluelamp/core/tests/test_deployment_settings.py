"""What the settings module gives a deployment, read in a fresh process as the server would."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def settings_in_a_new_process(**env) -> dict:
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'conn_max_age': settings.DATABASES['default'].get('CONN_MAX_AGE'),"
        " 'cache': settings.CACHES['default']['BACKEND'],"
        " 'rate_limits': settings.ACCOUNT_RATE_LIMITS}))"
    )
    base = {
        k: v for k, v in os.environ.items() if k not in ("BLUELAMP_ENV", "CONN_MAX_AGE", "REDIS_URL", "DEBUG")
    }
    base.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "learn.example",
        }
    )
    base.update(env)
    out = subprocess.run(
        [sys.executable, "-c", script], env=base, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


POSTGRES = "postgres://postgres@127.0.0.1:5432/bluelamp_settings_check"


def test_the_development_server_keeps_no_connection_open_between_requests():
    """runserver starts a thread per request: a persistent connection there is a leaked one."""
    assert settings_in_a_new_process(DATABASE_URL=POSTGRES)["conn_max_age"] == 0


def test_production_workers_reuse_their_connection():
    production = settings_in_a_new_process(DATABASE_URL=POSTGRES, BLUELAMP_ENV="production")
    assert production["conn_max_age"] == 60
    assert (
        settings_in_a_new_process(DATABASE_URL=POSTGRES, BLUELAMP_ENV="production", CONN_MAX_AGE="0")[
            "conn_max_age"
        ]
        == 0
    )


def test_production_shares_its_cache_through_redis():
    assert settings_in_a_new_process()["cache"].endswith("LocMemCache")
    shared = settings_in_a_new_process(BLUELAMP_ENV="production", REDIS_URL="redis://127.0.0.1:6379/0")
    assert shared["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_the_deploy_check_refuses_a_per_process_cache(settings):
    from bluelamp.core.apps import check_shared_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [e.id for e in check_shared_cache()] == ["bluelamp.E010"]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x:6379/0"}
    }
    assert check_shared_cache() == []


def test_only_failed_sign_ins_are_rate_limited():
    limits = settings_in_a_new_process()["rate_limits"]
    assert limits["login"] is None
    assert limits["login_failed"] == "100/5m/ip,10/5m/key"
