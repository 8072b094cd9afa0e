"""The API reference at /api/v1/docs/ in a real browser, checked with axe (WCAG 2.2 AA), at a
desktop and a phone width, signed out (integrators read it before they have an account): every
operation is there, the OpenAPI document downloads, and nothing on it needs a script or an
inline style (the page will work under a strict Content-Security-Policy).
"""

import pytest
import yaml

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_reference_is_accessible_and_complete(page):
    page.goto("/api/v1/docs/")
    assert page.locator("h1").inner_text() == "Bluelamp API reference"
    assert_accessible(page, "API reference")

    schema_link = page.get_by_role("link", name="OpenAPI document (YAML)")
    download = page.request.get(schema_link.get_attribute("href"))
    assert download.status == 200
    schema = yaml.safe_load(download.text())
    # Every operation in the schema has its own heading, method and path.
    headings = page.locator("main h3").all_inner_texts()
    for path, operations in schema["paths"].items():
        for method in set(operations) - {"parameters"}:
            assert f"{method.upper()} {path}" in headings, (method, path)
    # How to authenticate comes before the operations.
    assert page.get_by_role("heading", name="Authentication").is_visible()
    assert "Authorization: Token" in page.locator("main").inner_text()

    # The contents link to operations on the page.
    contents = page.get_by_role("navigation", name="Contents")
    contents.get_by_role("link", name="GET /api/v1/licence-check/").click()
    assert page.url.endswith("#operation-licence_check_retrieve")

    # No inline scripts, event handlers or style attributes in what the page adds.
    assert page.locator("main script, main [style]").count() == 0
    assert "onclick" not in page.locator("main").inner_html()

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/api/v1/docs/")
    assert_accessible(page, "API reference on a phone")


def test_redoc_address_leads_to_the_reference(page):
    page.goto("/api/v1/redoc/")
    assert page.url.endswith("/api/v1/docs/")
    assert page.locator("h1").inner_text() == "Bluelamp API reference"
