"""The browser tests' fixtures (`browser`, `page`) live in tests/browser/fixtures.py, a plugin the
root conftest.py registers so that browser tests anywhere in the project share one Playwright.
The helpers are named here too, for the tests that import them from this module. Never define or
import the fixtures here: a second definition would start a second Playwright."""

from tests.browser.fixtures import CHROMIUM, assert_accessible, sign_in

__all__ = ["CHROMIUM", "assert_accessible", "sign_in"]
