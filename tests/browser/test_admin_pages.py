"""Every administration page of the foundation in a real browser, checked with axe (WCAG 2.2 AA)."""

import pytest

from bluelamp.organisations.api import Licence, unit_create
from conftest import make_org, make_person, with_mfa
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def test_administration_pages_are_accessible(page, settings):
    settings.AXES_ENABLED = False
    from bluelamp.organisations.api import Organisation

    national = Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police", host_name="kent.learn.example")
    east = unit_create(actor=None, organisation=kent, name="East Division")
    unit_create(actor=None, organisation=kent, name="Canterbury", parent=east)
    officer = make_person(
        kent, "bob@kent.police.uk", first="Bob", last="Officer", staff_number="K2", unit=east
    )
    admin = make_person(
        national,
        "pat@national.example",
        first="Pat",
        last="Platform",
        roles=["platform_admin"],
        password=PASSWORD,
    )
    sign_in(page, "pat@national.example", PASSWORD, with_mfa(admin))
    licence = Licence.objects.filter(organisation=kent).first()
    for path, what in [
        ("/", "home"),
        ("/organisations/", "organisations"),
        ("/organisations/add/", "add an organisation"),
        ("/organisations/kent/", "organisation details"),
        ("/organisations/units/?org=kent", "units"),
        (f"/organisations/units/{east.pk}/", "rename a unit"),
        ("/organisations/licences/", "licences"),
        ("/organisations/licences/add/", "add a licence"),
        (f"/organisations/licences/{licence.pk}/", "licence"),
        ("/organisations/roles/", "roles"),
        ("/people/", "people"),
        ("/people/?q=bob", "people search"),
        (f"/people/{officer.pk}/", "person"),
        (f"/people/{officer.pk}/edit/", "edit a person"),
        (f"/people/{officer.pk}/transfer/", "move a person"),
        ("/people/add/?org=kent", "add a person"),
        ("/people/import/", "import"),
        ("/audit/", "audit log"),
        ("/api/tokens/", "API tokens"),
        ("/licence-check/", "licence check"),
        ("/accessibility/", "accessibility statement"),
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, what
        assert_accessible(page, what)

    # A form with errors, too.
    page.goto("/organisations/add/")
    page.click("button:has-text('Save')")
    page.wait_for_selector(".govuk-error-summary")
    assert_accessible(page, "add an organisation, with errors")
