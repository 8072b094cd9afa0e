"""Fixtures of the events domain's tests: a fake Stripe server (localstripe) and the settings that
point the payment gateway at it."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

STRIPE_SECRET_KEY = "sk_test_bluelamp"
STRIPE_PUBLISHABLE_KEY = "pk_test_bluelamp"
STRIPE_WEBHOOK_SECRET = "whsec_bluelamp_test"


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory):
    """localstripe on 127.0.0.1 and a free port, once per test process (each xdist worker has its
    own): its base URL. The socket is bound here and handed to the server process, which serves on
    it (bluelamp/events/tests/localstripe.py says what that wrapper changes in localstripe)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log = tmp_path_factory.mktemp("localstripe") / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "bluelamp.events.tests.localstripe", "--fd", str(listener.fileno())],
            pass_fds=[listener.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    listener.close()
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"localstripe exited ({process.returncode}):\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{base_url}/js.stripe.com/v3/", timeout=1) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"localstripe did not answer in 30 s:\n{log.read_text()}")
            time.sleep(0.05)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def stripe_settings(localstripe_server, settings):
    """The STRIPE_* settings, pointing at localstripe: the Django `settings` fixture, returned."""
    settings.STRIPE_SECRET_KEY = STRIPE_SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = STRIPE_PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_JS_URL = f"{localstripe_server}/js.stripe.com/v3/"
    return settings
