"""Applying a large HR file from the page, on PostgreSQL: it finishes, the page can follow it while
it runs, and the unit tree lock is not held while people are written.

These need PostgreSQL: the page's task writes with COPY there, and the point is what other
connections see while the apply's transaction is open (SQLite has one writer at a time).
"""

import faulthandler
import io

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from bluelamp.organisations.api import Unit
from bluelamp.people.importing._progress import RunProgress
from bluelamp.people.models import ImportRun, Person
from conftest import post_in_tabs_at_once

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: COPY, and other connections watching an open transaction",
    ),
]

HEADER = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
)
NEW_PEOPLE = 12_000


def national_style_file(n: int) -> bytes:
    """`n` new people in new units three levels deep, each reporting to a sergeant in the file."""
    lines = []
    for i in range(n):
        team = i // 100
        manager = "" if i % 100 == 0 else str(100000 + team * 100)
        rank = "Sergeant" if i % 100 == 0 else "Police Constable"
        lines.append(
            f"{100000 + i},officer{i}@kent.police.uk,Sam,Officer{i},"
            f"Division {team // 20}/Station {team // 5}/Team {team},{rank},,{manager},2020-01-01,active"
        )
    return (HEADER + "\n".join(lines) + "\n").encode()


def upload(client, data: bytes, org_id: int):
    file = io.BytesIO(data)
    file.name = "national.csv"
    return client.post("/people/import/", {"organisation": org_id, "file": file})


@pytest.fixture
def hang_guard():
    """A hang fails the run with every thread's stack instead of waiting for ever."""
    faulthandler.dump_traceback_later(600, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def watcher():
    """A connection of its own, as the progress page's request would have."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    yield other
    other.close()


def test_the_page_applies_twelve_thousand_new_people_and_shows_progress_meanwhile(
    signed_in, alice, kent, monkeypatch, hang_guard, watcher
):
    client = signed_in(alice)
    upload(client, national_style_file(NEW_PEOPLE), kent.pk)  # the check runs as the page's task
    checked = ImportRun.objects.get()
    assert checked.outcome == ImportRun.Outcome.VALID, checked.errors[:3]
    assert checked.summary["created"] == NEW_PEOPLE

    # Each time the task records progress, look from another connection at what the page sees.
    seen = []
    record = RunProgress._write_apart

    def record_and_look(self, own, phase, done, total):
        record(self, own, phase, done, total)
        with watcher.cursor() as cursor:
            cursor.execute(
                "SELECT phase, progress_done, progress_total FROM people_importrun WHERE id = %s",
                [self.run_id],
            )
            shown = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM people_person WHERE organisation_id = %s", [kent.pk])
            people = cursor.fetchone()[0]
            # Could another organisation's unit change go ahead now? (taken and let go at once)
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext('bluelamp.unit_tree'))")
            unit_tree_free = cursor.fetchone()[0]
        seen.append((shown, people, unit_tree_free))

    monkeypatch.setattr(RunProgress, "_write_apart", record_and_look)
    people_before = Person.objects.filter(organisation=kent).count()

    response = client.post(f"/people/import/{checked.uuid}/apply/")  # the page's task, run at once

    run = ImportRun.objects.get(dry_run=False)
    assert response["Location"] == f"/people/import/{run.uuid}/"
    assert run.outcome == ImportRun.Outcome.APPLIED, run.failure_reason
    assert run.summary["created"] == NEW_PEOPLE
    assert Person.objects.filter(organisation=kent).count() == people_before + NEW_PEOPLE
    officer = Person.objects.select_related("unit", "line_manager").get(staff_number="100101")
    assert officer.unit.full_path == "Division 0/Station 0/Team 1"
    assert officer.line_manager.staff_number == "100100"
    assert Unit.objects.filter(organisation=kent).count() == 6 + 24 + 120
    assert Unit.objects.get(organisation=kent, full_path="Division 5").numchild == 4

    # While the people were being written, the page saw the writing progress, before any of
    # them was visible (all or nothing), and the unit tree was free for everyone else.
    writing = [(shown, people, free) for shown, people, free in seen if shown[0] == "Writing"]
    midway = [(shown, people, free) for shown, people, free in writing if 0 < shown[1] < shown[2]]
    assert midway, seen
    assert all(people == people_before and free for _, people, free in writing), writing
    assert ("Writing", NEW_PEOPLE, NEW_PEOPLE) in [shown for shown, _, _ in writing]


def test_apply_pressed_in_two_tabs_at_once_starts_one_apply(signed_in, alice, kent, settings, hang_guard):

    client = signed_in(alice)
    upload(client, national_style_file(200), kent.pk)
    checked = ImportRun.objects.get()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    locations = post_in_tabs_at_once(client, f"/people/import/{checked.uuid}/apply/")
    run = ImportRun.objects.get(dry_run=False)
    assert locations == [f"/people/import/{run.uuid}/"] * 2
