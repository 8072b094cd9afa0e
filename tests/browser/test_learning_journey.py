"""The learning core's "done when", as a learner does it in a browser (headless chromium):

a Kent officer finds a national SCORM course, enrols, plays it (the real scorm-again runtime
talking to Bluelamp), leaves mid-way, comes back and resumes where they left off, finishes, and
sees it on their record; the same course is missing from the catalogue of a force whose PL-P-200
lapsed, while that force's earlier completions stay on record. Pages are checked with axe.
"""

import datetime as dt
import io
import time

import pytest
from django.db import OperationalError

from bluelamp.learning.api import Completion, Enrolment, ScoAttempt, course_import_scorm
from bluelamp.learning.tests.packages import build_package
from bluelamp.organisations.api import Licence, Organisation
from conftest import make_org, make_person
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def eventually(check, timeout: float = 10.0):
    """The runtime sends its last commit as a beacon, after the page says "saved": wait for the
    server to have it (on SQLite the live server's write may briefly lock the table)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except OperationalError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{check.__doc__ or check} did not become true within {timeout} s")
        time.sleep(0.2)


def _status(enrolment, status):
    def check():
        """the enrolment's status is """ + status
        enrolment.refresh_from_db()
        return enrolment.status == status

    return check


def _course(version: str, code: str, title: str, scos: int = 1):
    national = Organisation.objects.get(slug="national")
    course, _ = course_import_scorm(
        actor=None,
        owner=national,
        code=code,
        upload=io.BytesIO(build_package(version, title=title, scos=scos, score=85)),
        file_name=f"{code}.zip",
    )
    return course


def test_learner_plays_leaves_resumes_and_finishes_a_national_scorm_course(page, settings):
    settings.AXES_ENABLED = False
    Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    surrey = make_org("surrey", "Surrey Police")
    course = _course("1.2", "SAS-01", "Stop and search essentials")
    bob = make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)
    erin = make_person(surrey, "erin@surrey.police.uk", first="Erin", last="Surrey", password=PASSWORD)
    Completion.objects.create(
        person=erin,
        course=course,
        course_code=course.code,
        course_title=course.title,
        version_number=1,
        completed_on=dt.date(2026, 1, 5),
        source=Completion.Source.PLATFORM,
    )

    sign_in(page, bob.email, PASSWORD)
    page.goto("/learning/courses/?q=stop+search")
    assert_accessible(page, "catalogue")
    page.get_by_role("link", name="Stop and search essentials").click()
    assert_accessible(page, "course page")
    page.locator("#enrol").click()

    # Straight into the player: the content finds the runtime and starts afresh.
    page.wait_for_selector('[data-testid="player"]')
    frame = page.frame_locator("#scorm-frame").frame_locator("#sco")
    frame.get_by_text("screen 1 of 3").wait_for()
    assert "Entry: ab-initio" in frame.locator("#entry").inner_text()
    assert_accessible(page, "player")
    frame.get_by_role("button", name="Next screen").click()
    frame.get_by_text("screen 2 of 3").wait_for()
    # Leaves mid-way: the content suspends and finishes; then the learner goes elsewhere.
    frame.get_by_role("button", name="Save and leave").click()
    frame.get_by_text("Saved.").wait_for()
    page.get_by_text("Your progress is saved.").wait_for()
    page.goto("/")

    enrolment = Enrolment.objects.get(person=bob)
    attempt = eventually(lambda: ScoAttempt.objects.filter(enrolment=enrolment, exit="suspend").first())
    assert (attempt.location, attempt.completion_status) == ("2", "incomplete")

    # Comes back: "My learning" → Resume goes straight back in, at screen 2, as a resumed attempt.
    page.goto("/learning/")
    assert_accessible(page, "my learning")
    page.locator('[data-testid="in_progress"]').get_by_role("link", name="Resume").click()
    frame = page.frame_locator("#scorm-frame").frame_locator("#sco")
    frame.get_by_text("screen 2 of 3").wait_for()
    assert "Entry: resume" in frame.locator("#entry").inner_text()
    frame.get_by_role("button", name="Next screen").click()
    frame.get_by_role("button", name="Finish").click()
    frame.get_by_text("Finished").wait_for()
    page.get_by_text("Your progress is saved.").wait_for()

    eventually(_status(enrolment, Enrolment.Status.COMPLETED))
    record = Completion.objects.get(person=bob)
    assert (record.course_code, record.version_number, record.score) == ("SAS-01", 1, 85)
    attempt.refresh_from_db()
    assert attempt.total_seconds == 480  # 5 minutes, then 3: each session counted once

    page.goto("/learning/")
    completed = page.locator('[data-testid="completed"]')
    assert "Stop and search essentials" in completed.inner_text() and "85" in completed.inner_text()
    page.goto(f"/learning/courses/{course.uuid}/")
    assert "You completed this course" in page.content()
    page.goto("/learning/")
    page.get_by_role("link", name="Your learning record").click()
    record = page.locator("#record").inner_text()
    assert "SAS-01" in record and "Stop and search essentials" in record and "85%" in record
    assert_accessible(page, "learning record")

    # Surrey's PL-P-200 lapses: the course leaves its catalogue; Erin's completion stays.
    for licence in Licence.objects.filter(organisation=surrey, type="PL-P-200"):  # save(): caches forget it
        licence.ends_on = dt.date(2026, 2, 1)
        licence.save(update_fields=["ends_on"])
    page.context.clear_cookies()
    sign_in(page, erin.email, PASSWORD)
    page.goto("/learning/courses/?q=stop")
    assert "Stop and search essentials" not in page.locator("main").inner_text()
    assert "0 courses" in page.locator("#result-count").inner_text()
    assert Completion.objects.filter(person=erin, course_code="SAS-01").count() == 1
    page.goto("/learning/records/")
    assert "Stop and search essentials" in page.locator("#record").inner_text()


def test_multi_sco_scorm_2004_navigation_between_parts(page, settings):
    settings.AXES_ENABLED = False
    Organisation.objects.create(slug="national", name="National body", kind="national_body")
    kent = make_org("kent", "Kent Police")
    _course("2004", "FIRST-AID", "First aid refresher", scos=2)
    bob = make_person(kent, "bob@kent.police.uk", first="Bob", last="Officer", password=PASSWORD)
    sign_in(page, bob.email, PASSWORD)
    page.goto("/learning/courses/")
    page.get_by_role("link", name="First aid refresher").click()
    page.locator("#enrol").click()
    frame = page.frame_locator("#scorm-frame").frame_locator("#sco")
    frame.get_by_text("Part 1: screen 1 of 3").wait_for()
    frame.get_by_role("button", name="Next screen").click()
    frame.get_by_role("button", name="Next screen").click()
    frame.get_by_role("button", name="Finish").click()
    frame.get_by_text("Finished Part 1").wait_for()
    assert_accessible(page, "multi-SCO player")
    page.get_by_role("navigation", name="Previous and next part").get_by_role("link", name="Part 2").click()
    frame = page.frame_locator("#scorm-frame").frame_locator("#sco")
    frame.get_by_text("Part 2: screen 1 of 3").wait_for()
    statuses = page.locator('[data-testid="part-status"]').all_inner_texts()
    assert statuses == ["Completed", "In progress"]
    enrolment = Enrolment.objects.get(person=bob)
    assert enrolment.status == Enrolment.Status.ACTIVE  # part 2 still to do
    frame.get_by_role("button", name="Next screen").click()
    frame.get_by_role("button", name="Next screen").click()
    frame.get_by_role("button", name="Finish").click()
    frame.get_by_text("Finished Part 2").wait_for()
    page.get_by_text("Your progress is saved.").wait_for()
    eventually(_status(enrolment, Enrolment.Status.COMPLETED))
    assert Completion.objects.get(person=bob).score == 85
