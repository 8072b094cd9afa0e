"""Headless Debian chromium for browser tests (never a downloaded browser)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("BLUELAMP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"

# The live server runs in a thread of the test process; Django refuses sync ORM calls from the
# thread playwright's sync API runs its event loop in unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

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
        code = format_hotp_value(hotp_value(totp_secret, int(time.time()) // app_settings.TOTP_PERIOD))
        page.fill("input[name=code]", code)
        page.locator("main button[type=submit]").first.click()
    page.wait_for_selector("text=Hello,")
