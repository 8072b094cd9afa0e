"""The common SCORM commit in one statement (commit_sql.write_unless_status_changes): on
PostgreSQL, a commit that changes no status nor score of a session this process has seen is
written by one statement, without a transaction of its own. Whatever runs of commits arrive, the
rows it leaves are those the transaction in progress.sco_commit would leave: the same run of
commits sent to two learners, one of them with the statement turned off, ends the same.
"""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bluelamp.learning import commit_sql, progress
from bluelamp.learning.api import enrol_self
from bluelamp.learning.models import ActivityProgress, Completion, Enrolment, ScoAttempt, ScoSession
from bluelamp.learning.tests.conftest import import_course
from conftest import make_person

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
_people = itertools.count()


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement commit is PostgreSQL's (elsewhere every commit is a transaction)")


def _learner(org, course):
    n = next(_people)
    person = make_person(org, f"learner{n}@example.police.uk", staff_number=f"L{n}")
    enrolment = enrol_self(person=person, course=course, at=AT)
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    launch = progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco, at=AT)
    return person, enrolment, launch


def _cmi12(status, location, suspend, exit, session, raw):
    core = {"lesson_status": status, "lesson_location": location, "exit": exit, "session_time": session}
    if raw is not None:
        core["score"] = {"raw": str(raw), "min": "0", "max": "100"}
    return {"core": core, "suspend_data": suspend}


commits = st.lists(
    st.tuples(
        st.sampled_from(
            ["incomplete", "incomplete", "browsed", "not attempted", "completed", "passed", "failed"]
        ),
        st.sampled_from(["", "2", "7"]),
        st.sampled_from(["", "a", "a;b"]),
        st.sampled_from(["", "suspend"]),
        st.sampled_from(["00:00:00", "00:01:30", "00:10:00", "01:00:00"]),
        st.sampled_from([None, None, 0, 40, 85, 85, 100]),
        st.booleans(),  # terminate
        st.sampled_from([1, 1, 1, 2, 0, -1]),  # the next sequence number, after the last one sent
        st.sampled_from([5, 5, 20, 90]),  # seconds since the last commit
    ),
    min_size=1,
    max_size=12,
)


def _state(person, enrolment, launch) -> tuple:
    attempt = ScoAttempt.objects.get(pk=launch.attempt.pk)
    session = ScoSession.objects.get(pk=launch.session.pk)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    activity = ActivityProgress.objects.filter(enrolment=enrolment).values_list("status", "score").first()
    return (
        attempt.completion_status,
        attempt.success_status,
        attempt.score_scaled,
        attempt.score_raw,
        attempt.total_seconds,
        attempt.commits,
        attempt.location,
        attempt.suspend_data,
        attempt.exit,
        attempt.cmi,
        attempt.updated_at,
        session.last_sequence,
        session.session_seconds,
        session.terminated,
        session.last_commit_at,
        enrolment.status,
        enrolment.score,
        enrolment.started_at,
        enrolment.last_activity_at,
        activity,
        Completion.objects.filter(person=person).count(),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(run=commits)
def test_one_statement_leaves_what_the_transaction_would(postgresql, national, monkeypatch, run):
    course = import_course(national, code=f"OS-{next(_people)}")
    quick, slow = _learner(national, course), _learner(national, course)
    outcomes = {}
    for name, (person, _enrolment, launch), one_statement in (("quick", quick, True), ("slow", slow, False)):
        with monkeypatch.context() as patched:
            if not one_statement:
                patched.setattr(commit_sql, "known_session", lambda *args: None)
            sequence, at, seen = 0, AT, []
            for status, location, suspend, exit, session, raw, terminate, step, seconds in run:
                sequence = max(1, sequence + step)
                at += dt.timedelta(seconds=seconds)
                outcome = progress.sco_commit(
                    person=person,
                    session_uuid=launch.session.uuid,
                    sequence=sequence,
                    data=_cmi12(status, location, suspend, exit, session, raw),
                    terminate=terminate,
                    at=at,
                )
                attempt = outcome.attempt
                seen.append(
                    (outcome.stored, attempt.completion_status, attempt.success_status, attempt.commits)
                )
            outcomes[name] = seen
    assert outcomes["quick"] == outcomes["slow"]
    assert _state(*quick) == _state(*slow)


def test_a_bookmark_is_one_statement_and_a_status_change_a_transaction(postgresql, bob, national_course):
    enrolment = enrol_self(person=bob, course=national_course, at=AT)
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    launch = progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco, at=AT)

    def commit(sequence, status="incomplete", seconds=5):
        data = _cmi12(status, str(sequence), f"s{sequence}", "", "00:00:10", None)
        with CaptureQueriesContext(connection) as captured:
            outcome = progress.sco_commit(
                person=bob,
                session_uuid=launch.session.uuid,
                sequence=sequence,
                data=data,
                at=AT + dt.timedelta(seconds=seconds * sequence),
            )
        return outcome, [q["sql"] for q in captured]

    _, statements = commit(1)  # the session's first commit here: read and written in a transaction
    assert len(statements) > 1
    outcome, statements = commit(2)
    assert outcome.stored and len(statements) == 1 and statements[0].startswith("WITH old AS")
    assert ScoAttempt.objects.get(pk=launch.attempt.pk).location == "2"
    # Completing changes the activity's and the course's progress: a transaction.
    outcome, statements = commit(3, status="completed")
    assert outcome.stored and outcome.attempt.completion_status == "completed" and len(statements) > 1
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.COMPLETED
    # Out of sequence: nothing written by the statement, and the transaction acknowledges it.
    outcome, _ = commit(2)
    assert not outcome.stored


def test_someone_elses_session_is_still_not_found(postgresql, bob, dave, national_course):
    from django.http import Http404

    enrolment = enrol_self(person=bob, course=national_course, at=AT)
    activity = enrolment.version.activities.get()
    sco = activity.scorm_package.scos.get()
    launch = progress.sco_launch(enrolment=enrolment, activity=activity, sco=sco, at=AT)
    data = _cmi12("incomplete", "1", "", "", "00:00:10", None)
    progress.sco_commit(person=bob, session_uuid=launch.session.uuid, sequence=1, data=data, at=AT)
    with pytest.raises(Http404):
        progress.sco_commit(person=dave, session_uuid=launch.session.uuid, sequence=2, data=data, at=AT)
    assert ScoSession.objects.get(pk=launch.session.pk).last_sequence == 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_before_the_statement_is_opened_again(postgresql, national):
    """The statement goes first, unchecked (commit_sql._run_first_thing): when PostgreSQL has
    dropped the kept connection meanwhile (a restart), it is opened again and the commit stored."""
    import psycopg

    course = import_course(national, code="LOST-1")
    person, _enrolment, launch = _learner(national, course)
    data = _cmi12("incomplete", "1", "", "", "00:00:10", None)
    at = AT + dt.timedelta(minutes=1)
    progress.sco_commit(person=person, session_uuid=launch.session.uuid, sequence=1, data=data, at=at)
    connection.health_check_done = False  # as at the start of a request
    lost = connection.connection.info.backend_pid
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [lost])
    outcome = progress.sco_commit(
        person=person,
        session_uuid=launch.session.uuid,
        sequence=2,
        data=data,
        at=at + dt.timedelta(seconds=5),
    )
    assert outcome.stored and connection.connection.info.backend_pid != lost
    attempt = ScoAttempt.objects.get(pk=launch.attempt.pk)
    session = ScoSession.objects.get(pk=launch.session.pk)
    assert (attempt.commits, session.last_sequence) == (2, 2)
