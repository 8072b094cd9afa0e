"""'My learning': one group of the learner's enrolments at a time, counted, a page of 20 at a time."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bluelamp.learning.api import Enrolment, activity_open, enrol_self, my_learning, unenrol
from bluelamp.learning.tests.courses import publish_course

URL = reverse("learning:my_learning")
AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
GROUPS = ("in_progress", "not_started", "completed")


def _enrol(person, owner, code, *, n=0, pages=2):
    """`person` enrolled on a new course `code`, `n` minutes after AT (the later, the higher `n`)."""
    course = publish_course(owner, None, code, pages=pages)
    return enrol_self(person=person, course=course, at=AT + dt.timedelta(minutes=n))


def _start(enrolment, *, n=0):
    """Open the first of its activities (of two): started, not complete."""
    activity_open(
        enrolment=enrolment,
        activity=enrolment.version.activities.order_by("order").first(),
        at=AT + dt.timedelta(days=1, minutes=n),
    )


def _complete(enrolment, *, n=0):
    for activity in enrolment.version.activities.order_by("order"):
        activity_open(enrolment=enrolment, activity=activity, at=AT + dt.timedelta(days=2, minutes=n))
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def _shown(html: str) -> list[str]:
    """The groups whose table the page shows."""
    return re.findall(r'<table class="govuk-table" data-testid="(\w+)"', html)


def _codes(html: str) -> list[str]:
    """The course codes of the table's rows, in order."""
    return re.findall(r">(ML-\d+) v\d+</span>", html)


def _tabs(html: str) -> dict[str, str]:
    """The group links: their text, and which one is current."""
    nav = html[html.index('<nav aria-label="Your enrolments">') :]
    nav = nav[: nav.index("</nav>")]
    current = re.findall(r'href="\?show=(\w+)" aria-current="page"', nav)
    assert len(current) == 1, nav
    return dict(re.findall(r'<a [^>]*href="\?show=(\w+)"[^>]*>([^<]+)</a>', nav)) | {"current": current[0]}


@pytest.fixture
def mixed(bob, national):
    """Bob: 2 in progress, 3 not started, 1 completed, 1 withdrawn."""
    enrolments = [_enrol(bob, national, f"ML-{n}", n=n) for n in range(7)]
    _start(enrolments[0])
    _start(enrolments[1])
    _complete(enrolments[5])
    unenrol(actor=bob, enrolment=enrolments[6], at=AT + dt.timedelta(days=3))
    return enrolments


def test_the_counts_come_from_one_rule_and_leave_out_withdrawn(bob, mixed):
    learning = my_learning(bob)
    assert learning.counts == {"in_progress": 2, "not_started": 3, "completed": 1}
    # The same rule as the tables always had: completed by status, else started or not.
    for name in GROUPS:
        rows = learning.group(name)[0:20]
        assert len(rows) == learning.counts[name]
        for row in rows:
            if name == "completed":
                assert row.status == Enrolment.Status.COMPLETED
            else:
                assert row.status == Enrolment.Status.ACTIVE
                assert (row.started_at is not None) == (name == "in_progress")


def test_a_completed_enrolment_never_started_is_completed(bob, national):
    enrolment = _enrol(bob, national, "ML-1")
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED, completed_at=AT)
    assert my_learning(bob).counts == {"in_progress": 0, "not_started": 0, "completed": 1}


def test_the_page_shows_the_groups_with_their_counts_and_one_table(client, signed_in, bob, mixed):
    html = signed_in(bob).get(URL).text
    assert _tabs(html) == {
        "in_progress": "In progress (2)",
        "not_started": "Not started (3)",
        "completed": "Completed (1)",
        "current": "in_progress",
    }
    assert _shown(html) == ["in_progress"]
    assert _codes(html) == ["ML-1", "ML-0"]  # the latest active first, as before
    for link in ("Find a course", "Your learning record"):
        assert link in html

    html = client.get(URL, {"show": "not_started"}).text
    assert _shown(html) == ["not_started"] and _tabs(html)["current"] == "not_started"
    assert _codes(html) == ["ML-4", "ML-3", "ML-2"]
    html = client.get(URL, {"show": "completed"}).text
    assert _shown(html) == ["completed"] and _codes(html) == ["ML-5"]
    assert "ML-6" not in client.get(URL, {"show": "not_started"}).text  # withdrawn: nowhere


def test_the_default_group_is_in_progress_else_not_started_else_completed(client, signed_in, bob, national):
    signed_in(bob)
    html = client.get(URL).text
    assert _tabs(html)["current"] == "completed" and _shown(html) == ["completed"]
    assert "Nothing yet." in html

    done = _enrol(bob, national, "ML-1", n=1)
    _complete(done)
    assert _shown(client.get(URL).text) == ["completed"]
    waiting = _enrol(bob, national, "ML-2", n=2)
    assert _shown(client.get(URL).text) == ["not_started"]
    _start(waiting)
    html = client.get(URL).text
    assert _shown(html) == ["in_progress"] and _codes(html) == ["ML-2"]
    # An unknown group is the default one, not an error.
    assert _shown(client.get(URL, {"show": "everything"}).text) == ["in_progress"]


def test_an_empty_group_says_nothing_yet(client, signed_in, bob, mixed):
    Enrolment.objects.filter(person=bob, status=Enrolment.Status.COMPLETED).update(
        status=Enrolment.Status.WITHDRAWN
    )
    html = signed_in(bob).get(URL, {"show": "completed"}).text
    assert _shown(html) == ["completed"] and _tabs(html)["completed"] == "Completed (0)"
    assert "Nothing yet." in html and _codes(html) == []


def test_21_enrolments_are_two_pages_and_the_second_has_one(client, signed_in, bob, national):
    for n in range(21):
        _enrol(bob, national, f"ML-{n:02d}", n=n, pages=1)
    signed_in(bob)
    first = client.get(URL).text
    assert _shown(first) == ["not_started"] and "Not started (21)" in first
    # Not started: the latest enrolled first, as before.
    assert _codes(first) == [f"ML-{n:02d}" for n in range(20, 0, -1)]
    assert "Showing 1 to 20" in first
    assert 'aria-label="Pages of not started"' in first
    assert 'href="?show=not_started&amp;page=2"' in first
    second = client.get(URL, {"show": "not_started", "page": 2}).text
    assert _codes(second) == ["ML-00"] and "Showing 21 to 21" in second
    assert 'href="?show=not_started&amp;page=1"' in second  # previous


def test_a_page_out_of_range_shows_the_last_and_one_not_a_number_the_first(client, signed_in, bob, national):
    """As every paginated page here does (Paginator.get_page): never an error."""
    for n in range(21):
        _enrol(bob, national, f"ML-{n:02d}", n=n, pages=1)
    signed_in(bob)
    for page in ("99", "-1", "0"):
        response = client.get(URL, {"page": page})
        assert response.status_code == 200 and _codes(response.text) == ["ML-00"], page
    for page in ("two", "", "1.5"):
        response = client.get(URL, {"page": page})
        assert response.status_code == 200 and len(_codes(response.text)) == 20, page
    # An empty group has one empty page, whatever page is asked for.
    empty = client.get(URL, {"show": "completed", "page": "3"})
    assert empty.status_code == 200 and "Nothing yet." in empty.text


def test_completed_are_the_most_recently_completed_first(client, signed_in, bob, national):
    enrolments = [_enrol(bob, national, f"ML-{n}", n=n, pages=1) for n in range(3)]
    for enrolment, minutes in zip(enrolments, (5, 30, 10), strict=True):
        _complete(enrolment, n=minutes)
    html = signed_in(bob).get(URL).text
    assert _shown(html) == ["completed"] and _codes(html) == ["ML-1", "ML-2", "ML-0"]


def test_a_learner_sees_only_their_own_enrolments(client, signed_in, bob, alice, dave, national):
    mine = _enrol(bob, national, "ML-1", n=1)
    _start(mine)
    for n, other in enumerate((alice, dave), start=2):  # a colleague and an outsider
        theirs = _enrol(other, national, f"ML-{n}", n=n)
        _start(theirs)
        _enrol(other, national, f"ML-{n}0", n=n)
    html = signed_in(bob).get(URL).text
    assert _tabs(html) == {
        "in_progress": "In progress (1)",
        "not_started": "Not started (0)",
        "completed": "Completed (0)",
        "current": "in_progress",
    }
    assert _codes(html) == ["ML-1"]
    assert _codes(client.get(URL, {"show": "not_started"}).text) == []
    assert my_learning(dave).counts == {"in_progress": 1, "not_started": 1, "completed": 0}


def test_my_learning_makes_the_same_queries_for_5_or_50_enrolments(client, signed_in, bob, national):
    signed_in(bob)

    def count(**query):
        client.get(URL, query)  # organisations and licences cached (or not) alike
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, query).status_code == 200
        return len(queries)

    for n in range(5):
        enrolment = _enrol(bob, national, f"ML-{n:02d}", n=n)
        if n % 2:
            _start(enrolment, n=n)  # some started, with progress
    few = count(), count(show="not_started")
    for n in range(5, 50):
        enrolment = _enrol(bob, national, f"ML-{n:02d}", n=n)
        if n % 2:
            _start(enrolment, n=n)
    assert (count(), count(show="not_started")) == few
    assert count(show="in_progress", page=2) == few[0]


def test_the_page_reads_only_its_rows(client, signed_in, bob, national):
    """One aggregate for the counts and one query, with LIMIT 20, for the rows: not all of them."""
    for n in range(25):
        _enrol(bob, national, f"ML-{n:02d}", n=n, pages=1)
    signed_in(bob).get(URL)
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"page": 2})
    enrolment_reads = [q["sql"] for q in queries if 'FROM "learning_enrolment"' in q["sql"]]
    counts = [sql for sql in enrolment_reads if "FILTER (WHERE" in sql]
    rows = [sql for sql in enrolment_reads if "LIMIT 5 OFFSET 20" in sql]
    assert len(counts) == 1 and len(rows) == 1, "\n".join(enrolment_reads)
