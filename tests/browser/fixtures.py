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

Every test that drives the browser fails on any Content-Security-Policy violation in any of its
browser contexts, its own included (`CspViolations`, `_fail_on_csp_violations`): each journey is
also the proof that the policy lets the site, the SCORM player and its content, and htmx work.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("BLUELAMP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


# --- Content-Security-Policy violations ------------------------------------------------------------

# Runs in every frame of every page before the page's own scripts: each violation the browser
# reports to the document (enforced, or report-only) is handed to the test process.
_CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__bluelampCspViolation({
    document: event.documentURI,
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    disposition: event.disposition,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
}, true);
"""
# SCORM content is served from its own origin under this path (bluelamp.learning.scorm.content_host).
_CONTENT_PATH = "/scorm-content/"


class CspViolations:
    """The Content-Security-Policy violations seen in the browser during one test: from the
    `securitypolicyviolation` events of every frame, and any console message about the policy
    (which also catches a policy the browser could not apply). Every browser test fails on any of
    them, on our pages and on the SCORM content origin alike (its own, stricter policy must let
    real content work); a test of hostile content says it expects them there
    (`expect_on_content_origin`) and may look at what was refused (`on_content_origin`)."""

    def __init__(self) -> None:
        self.seen: list[dict] = []
        self.content_origin_expected = False

    def add(self, violation: dict) -> None:
        self.seen.append(violation)

    def expect_on_content_origin(self) -> None:
        self.content_origin_expected = True

    @staticmethod
    def _on_content_origin(violation: dict) -> bool:
        return _CONTENT_PATH in (violation.get("document") or "")

    def on_content_origin(self) -> list[dict]:
        return [v for v in self.seen if self._on_content_origin(v)]

    def take(self) -> list[dict]:
        """Those seen so far, which no longer fail the test: for a test that causes them."""
        taken, self.seen = self.seen, []
        return taken

    def unexpected(self) -> list[dict]:
        return [v for v in self.seen if not (self.content_origin_expected and self._on_content_origin(v))]


def _describe(violation: dict) -> str:
    if "console" in violation:
        return f"{violation['document']}: {violation['console']}"
    return (
        f"{violation['document']}: {violation['directive']} ({violation['disposition']}) refused "
        f"{violation['blocked'] or 'something'} at {violation['source'] or '?'}:{violation['line']}"
        + (f" [{violation['sample']}]" if violation.get("sample") else "")
    )


class _WatchedBrowser:
    """The session's browser, every context of which reports CSP violations to the running test
    (`watching`): contexts a test opens itself are watched too."""

    def __init__(self, browser) -> None:
        self._browser = browser
        self.watching: CspViolations | None = None

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def _report(self, violation: dict) -> None:
        if self.watching is not None:
            self.watching.add(violation)

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)
        context.expose_function("__bluelampCspViolation", self._report)
        context.add_init_script(script=_CSP_WATCH)

        def on_console(message):
            if "Content Security Policy" in message.text:
                self._report({"document": (message.location or {}).get("url", ""), "console": message.text})

        context.on("console", on_console)
        return context

    def new_page(self, **kwargs):
        return self.new_context(**kwargs).new_page()


_CSP_KEY = pytest.StashKey[CspViolations]()


@pytest.fixture
def csp_violations(request):
    """The running browser test's CSP violations (see CspViolations); the test fails on any."""
    return request.node.stash.setdefault(_CSP_KEY, CspViolations())


@pytest.fixture(autouse=True)
def _fail_on_csp_violations(request):
    """Every test that drives the browser: collect its CSP violations, and fail it on any."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    violations = request.node.stash.setdefault(_CSP_KEY, CspViolations())
    browser.watching = violations
    yield
    browser.watching = None
    unexpected = violations.unexpected()
    assert not unexpected, "Content-Security-Policy violations:\n" + "\n".join(map(_describe, unexpected))


# --- the browser and its pages -------------------------------------------------------------------


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
            yield _WatchedBrowser(browser)
            browser.close()
    finally:
        if before is None:
            os.environ.pop(_ASYNC_UNSAFE, None)
        else:
            os.environ[_ASYNC_UNSAFE] = before


@pytest.fixture
def page(browser, live_server):
    """A page of a fresh browser context. Any Content-Security-Policy violation fails the test
    (`_fail_on_csp_violations`): every journey doubles as a check that the CSP lets the site work."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


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
