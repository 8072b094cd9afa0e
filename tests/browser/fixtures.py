"""The browser tests' fixtures and helpers, as a pytest plugin the root conftest.py registers
(`pytest_plugins`), so that every browser test in the project shares them: tests/browser/ and the
domains' own (bluelamp/<domain>/tests/test_*_browser.py) alike.

Why a plugin and not tests/browser/conftest.py: a conftest's fixtures are seen only below its
directory, and a test module elsewhere that imports the session-wide `browser` fixture gets a
fixture definition of its own, so a second Playwright starts while the first still runs in the
same thread. Playwright's sync API refuses that ("inside the asyncio loop"), and a plain
single-process run (`pytest`, no -n) of both places failed. Defined once here, there is one
Playwright and one headless chromium per test process.

Headless Debian chromium (never a downloaded browser). Import the helpers from here (or, as the
older tests do, from tests.browser.conftest); never import the fixtures: they are found by name.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("BLUELAMP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    # The live server runs in a thread of the test process; Django refuses sync ORM calls from the
    # thread Playwright's sync API runs its event loop in unless told this is deliberate. Only
    # while a browser runs: other tests keep Django's guard.
    before = os.environ.get(_ASYNC_UNSAFE)
    os.environ[_ASYNC_UNSAFE] = "true"
    try:
        # Playwright gives each launch a fresh, empty profile of its own.
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-quic",
                ],
            )
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop(_ASYNC_UNSAFE, None)
        else:
            os.environ[_ASYNC_UNSAFE] = before


@pytest.fixture
def page(browser, live_server):
    """A page of a fresh browser context. Any Content-Security-Policy violation on our own pages
    fails the test: every journey doubles as a check that the CSP lets the site work."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    violations: list[str] = []

    def on_console(message):
        text = message.text
        # SCORM content on its own origin is policed by its own CSP; a hostile package's
        # refused attempts are what its test expects.
        if "Content Security Policy" in text and "/scorm-content/" not in (message.location or {}).get(
            "url", ""
        ):
            violations.append(f"{message.location.get('url', '')}: {text}")

    page.on("console", on_console)
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def assert_accessible(page, context: str = "") -> None:
    """axe-core with the WCAG 2.0/2.1/2.2 A and AA rules: no violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}
        },
    )
    violations = results.response["violations"]
    assert not violations, f"{context or page.url}: " + "; ".join(
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['html'][:120]})"
        for v in violations
    )


def sign_in(page, email: str, password: str, totp_secret: str | None = None, org: str = "") -> None:
    """Sign in through the real pages, entering the current TOTP code when one is asked for."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    page.goto("/accounts/login/" + (f"?org={org}" if org else ""))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").first.click()
    if totp_secret:
        page.wait_for_selector("input[name=code]")
        # A code read in the last seconds of its step may reach the server in the next one, which
        # refuses it (no tolerance): wait for a fresh step rather than risk it.
        left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
        if left < 5:
            time.sleep(left + 0.1)
        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // app_settings.TOTP_PERIOD))
        page.fill("input[name=code]", code)
        page.locator("main button[type=submit]").first.click()
    page.wait_for_selector("text=Hello,")
