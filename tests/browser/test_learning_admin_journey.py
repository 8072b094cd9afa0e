"""The course-management pages, as a Kent training administrator uses them (headless chromium):

sign in with TOTP, create a course, try two broken SCORM packages (each refused with a message
naming what is wrong, nothing stored), add a good one and a Markdown page (previewed), publish,
enrol a unit and a CSV file (one with an unknown staff number first: nobody enrolled), and see
the enrolments. A Kent officer then finds the course under My learning with its due date; an
Essex administrator gets "Page not found" for the Kent course's manage page. Every page visited
is checked with axe (WCAG 2.2 AA).
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bluelamp.learning.api import Activity, Course, Enrolment, ScormPackage
from bluelamp.learning.tests.packages import build_package, raw_zip
from bluelamp.organisations.api import Organisation, unit_create, units_ensure_paths
from conftest import make_org, make_person, with_mfa
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-horse-battery-9"


def _scorm_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "scorm"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _manifest_launching_a_missing_file() -> bytes:
    """A real 2004 manifest whose second part's launch file was left out of the zip."""
    with zipfile.ZipFile(io.BytesIO(build_package("2004", scos=2))) as good:
        entries = {name: good.read(name) for name in good.namelist() if name != "sco2/index.html"}
    return raw_zip(entries)


def _assert_error_summary(page, expected: str) -> None:
    """The error summary says `expected`, and each of its links leads to a field on the page."""
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(expected)
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.locator(href).count() == 1, f"the error summary links to {href}, which is not on the page"


def _upload_scorm(page, path: Path) -> None:
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Add the activity").click()


def test_training_admin_builds_publishes_and_enrols_a_course(page, settings, tmp_path):
    settings.AXES_ENABLED = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    essex = make_org("essex", "Essex Police")
    units = units_ensure_paths(
        actor=None, organisation=kent, paths=["East Division/Canterbury/Response Team 2"]
    )
    canterbury = units["east division/canterbury"]
    response = units["east division/canterbury/response team 2"]
    custody = unit_create(actor=None, organisation=kent, name="Custody")
    admin = make_person(
        kent,
        "tina.trainer@kent.police.uk",
        first="Tina",
        last="Trainer",
        staff_number="K100",
        roles=["training_admin"],
        password=PASSWORD,
    )
    admin_secret = with_mfa(admin)
    bob = make_person(
        kent,
        "bob.officer@kent.police.uk",
        first="Bob",
        last="Officer",
        staff_number="K201",
        unit=canterbury,
        password=PASSWORD,
    )
    make_person(
        kent,
        "rita.response@kent.police.uk",
        first="Rita",
        last="Response",
        staff_number="K202",
        unit=response,
    )
    cara = make_person(
        kent, "cara.custody@kent.police.uk", first="Cara", last="Custody", staff_number="K301", unit=custody
    )
    dan = make_person(
        kent, "dan.detention@kent.police.uk", first="Dan", last="Detention", staff_number="K302", unit=custody
    )
    essex_admin = make_person(
        essex,
        "eve.admin@essex.police.uk",
        first="Eve",
        last="Essex",
        roles=["training_admin"],
        password=PASSWORD,
    )
    essex_secret = with_mfa(essex_admin)

    # Sign in with TOTP; "Manage courses" is in the header's navigation.
    sign_in(page, admin.email, PASSWORD, admin_secret)
    page.locator("header nav").get_by_role("link", name="Manage courses").click()
    page.get_by_role("heading", name="Manage courses").wait_for()
    assert_accessible(page, "manage courses")

    # Create the course.
    page.get_by_role("button", name="Create a course").click()
    assert_accessible(page, "create a course")
    page.get_by_label("Course code").fill("KENT-CUS-01")
    page.get_by_label("Title", exact=True).fill("Custody first hour")
    page.get_by_label("Summary (optional)").fill(
        "What to do in the **first hour** of a detention:\n\n- the booking-in risk assessment\n- rights"
    )
    page.get_by_label("Estimated duration in minutes (optional)").fill("45")
    page.get_by_label("Tags (optional)").fill("custody, detention")
    page.get_by_role("button", name="Create the course").click()
    page.get_by_text("Course KENT-CUS-01 created").wait_for()
    course = Course.objects.get(code="KENT-CUS-01")
    assert course.owner == kent and course.status == Course.Status.DRAFT
    details = page.locator("dl.govuk-summary-list").first.inner_text()
    assert "45 minutes" in details and "custody, detention" in details
    assert page.locator("dl strong", has_text="first hour").count() == 1  # Markdown rendered
    assert_accessible(page, "new course")

    # A "package" with no manifest: refused, naming what is missing; nothing is stored.
    no_manifest = tmp_path / "no-manifest.zip"
    no_manifest.write_bytes(raw_zip({"index.html": b"<html><body>Hello</body></html>"}))
    page.get_by_role("link", name="E-learning (SCORM package)").click()
    page.get_by_role("heading", name="Add an activity: e-learning (SCORM package)").wait_for()
    assert_accessible(page, "add a SCORM activity")
    _upload_scorm(page, no_manifest)
    _assert_error_summary(page, "There is no imsmanifest.xml at the top level of the zip")
    assert page.title().startswith("Error:")
    assert_accessible(page, "SCORM package without a manifest")

    # A manifest that launches a file missing from the zip: the error names the file.
    missing_file = tmp_path / "missing-file.zip"
    missing_file.write_bytes(_manifest_launching_a_missing_file())
    _upload_scorm(page, missing_file)
    _assert_error_summary(page, 'launches "sco2/index.html", but there is no such file in the zip')
    assert_accessible(page, "SCORM package launching a missing file")
    assert not ScormPackage.objects.exists() and not Activity.objects.exists()
    assert _scorm_files(settings) == []

    # The good package.
    good = tmp_path / "first-hour.zip"
    good.write_bytes(build_package("2004", title="Custody first hour e-learning", scos=2))
    _upload_scorm(page, good)
    page.get_by_text("Activity added to version 1").wait_for()
    package = ScormPackage.objects.get()
    assert package.owner == kent and _scorm_files(settings)
    assert "Custody first hour e-learning" in page.locator("#draft table").inner_text()
    assert_accessible(page, "course with a SCORM activity")

    # A Markdown page, previewed before it is added.
    page.locator("#draft").get_by_role("link", name="Page", exact=True).click()
    assert_accessible(page, "add a page")
    page.get_by_label("Title", exact=True).fill("Rights and entitlements")
    page.get_by_label("Page text").fill(
        "# Rights\n\nEvery detained person must be told of their **three rights**:\n\n"
        "- to have someone told\n- to free legal advice\n- to consult the Codes of Practice"
    )
    page.get_by_role("button", name="Preview the text").click()
    preview = page.locator("#preview")
    preview.wait_for()
    assert preview.locator("strong", has_text="three rights").count() == 1
    assert preview.locator("li").count() == 3
    assert "three rights" in page.get_by_label("Page text").input_value()  # kept as typed
    assert_accessible(page, "page preview")
    page.get_by_role("button", name="Add the activity").click()
    page.get_by_text("Activity added to version 1").wait_for()
    assert list(
        Activity.objects.filter(version__course=course).order_by("order").values_list("kind", flat=True)
    ) == [Activity.Kind.SCORM, Activity.Kind.PAGE]

    # Publish.
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_text("Version 1 is published").wait_for()
    course.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED and course.current_version.number == 1
    assert_accessible(page, "published course")

    # Enrol a unit (and those below it), due on a date.
    due = dt.date.today() + dt.timedelta(days=30)
    due_text = f"{due.day} {due:%B %Y}"
    page.get_by_role("button", name="Enrolments").click()
    assert_accessible(page, "enrolments")
    page.locator("#id_unit-unit").select_option(label="Kent Police: East Division/Canterbury")
    page.locator("#id_unit-due_on").fill(due.isoformat())
    page.get_by_role("button", name="Enrol the unit").click()
    page.get_by_role("heading", name="Enrolling the unit East Division/Canterbury").wait_for()
    assert page.locator("#count-enrolled").inner_text() == "2"
    assert set(page.locator("#enrolled li").all_inner_texts()) == {"Bob Officer", "Rita Response"}
    assert_accessible(page, "unit enrolled")

    # A CSV with one unknown staff number: the row is named and nobody is enrolled.
    page.get_by_role("button", name="Back to the enrolments").click()
    bad_csv = tmp_path / "custody-team.csv"
    bad_csv.write_text("staff_number\nK301\nK999\n")
    page.set_input_files("input[type=file]", str(bad_csv))
    page.get_by_role("button", name="Upload and enrol").click()
    page.locator("#csv-problems").wait_for()
    problems = page.locator("#csv-problems tbody tr").all_inner_texts()
    assert len(problems) == 1 and "3" in problems[0] and "K999" in problems[0]
    assert "no one with this in your organisation or units" in problems[0]
    _assert_error_summary(page, "“custody-team.csv” has 1 problem; no one was enrolled")
    assert_accessible(page, "CSV with an unknown staff number")
    assert not Enrolment.objects.filter(person__in=[cara, dan]).exists()

    # The corrected file.
    good_csv = tmp_path / "custody-team-fixed.csv"
    good_csv.write_text("staff_number\nK301\nK302\n")
    page.set_input_files("input[type=file]", str(good_csv))
    page.get_by_role("button", name="Upload and enrol").click()
    page.get_by_role("heading", name="Enrolling the file custody-team-fixed.csv").wait_for()
    assert set(page.locator("#enrolled li").all_inner_texts()) == {"Cara Custody", "Dan Detention"}
    assert_accessible(page, "CSV enrolled")

    # The enrolments page lists all four.
    page.get_by_role("button", name="Back to the enrolments").click()
    enrolled = page.locator("#enrolled tbody").inner_text()
    for name in ("Bob Officer", "Rita Response", "Cara Custody", "Dan Detention"):
        assert name in enrolled
    assert due_text in enrolled
    assert Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE).count() == 4
    assert_accessible(page, "enrolments listed")

    # Bob finds it under My learning, with its due date, and opens it.
    page.context.clear_cookies()
    sign_in(page, bob.email, PASSWORD)
    page.locator("header nav").get_by_role("link", name="My learning").click()
    row = page.locator('[data-testid="not_started"] tr', has_text="Custody first hour")
    assert due_text in row.inner_text()
    assert_accessible(page, "my learning")
    row.get_by_role("link", name="Custody first hour", exact=True).click()
    page.get_by_role("heading", name="Custody first hour").wait_for()
    assert "Rights and entitlements" in page.locator("main").inner_text()
    assert_accessible(page, "course page")

    # Essex's training administrator: the Kent course's manage page does not exist.
    page.context.clear_cookies()
    sign_in(page, essex_admin.email, PASSWORD, essex_secret)
    response = page.goto(f"/learning/manage/{course.uuid}/")
    assert response.status == 404
    assert "Page not found" in page.locator("main").inner_text()
    assert "Custody first hour" not in page.content()
    assert_accessible(page, "page not found")
