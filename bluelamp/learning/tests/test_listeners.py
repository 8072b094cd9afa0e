"""The completions-changed hook: each write of the learner record tells the listeners whose record
changed, inside its transaction (a listener's writes roll back with the change)."""

import datetime as dt

import pytest

from bluelamp.audit.api import AuditEvent, audit_record
from bluelamp.learning.api import (
    Completion,
    Enrolment,
    import_history,
    listen_completions_changed,
    record_external,
    record_remove,
)
from bluelamp.learning.listeners import completions_changed, listening
from bluelamp.learning.tests.record_helpers import AT, complete_on_platform
from conftest import make_person


class Calls:
    """A listener that remembers what it was told."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.times: list[dt.datetime] = []

    def __call__(self, *, person_ids: list[int], at: dt.datetime) -> None:
        self.calls.append(person_ids)
        self.times.append(at)


@pytest.fixture
def heard():
    """Request it last: the fixtures before it are made before it listens."""
    listener = Calls()
    with listening(listener, alone=True):
        yield listener


def _external(actor, person):
    return record_external(
        actor=actor,
        person=person,
        title="Advanced driver refresher",
        completed_on=dt.date(2025, 3, 15),
        at=AT,
    )


HISTORY = "staff_number,email,course_code,course_title,completed_on,score,version,provider"


def _history(actor, organisation, *lines: str, apply: bool):
    data = ("\n".join([HISTORY, *lines]) + "\n").encode()
    return import_history(actor=actor, organisation=organisation, data=data, apply=apply, at=AT)


# --- the registry --------------------------------------------------------------------------------


def test_a_listener_registered_twice_is_called_once_with_distinct_sorted_ids_and_a_time():
    listener, other = Calls(), Calls()
    with listening(other, alone=True):  # the domains' own listeners are set aside
        with listening():
            listen_completions_changed(listener)
            listen_completions_changed(listener)
            completions_changed(person_ids={5, 2})
            completions_changed(person_ids=[])
        completions_changed(person_ids=[1])  # the registry is as it was before the inner block
    assert listener.calls == [[2, 5]] and listener.times[0].tzinfo is not None
    assert other.calls == [[2, 5], [1]]


# --- each write ----------------------------------------------------------------------------------


def test_completing_a_course_on_bluelamp_is_reported_once_when_it_completes(bob, national_course, heard):
    enrolment = complete_on_platform(bob, national_course)
    assert Enrolment.objects.get(pk=enrolment.pk).status == Enrolment.Status.COMPLETED
    assert heard.calls == [[bob.pk]] and heard.times == [AT]


def test_an_external_record_and_its_removal_are_reported(bob, heard):
    record = _external(bob, bob)
    assert heard.calls == [[bob.pk]] and heard.times == [AT]
    record_remove(actor=bob, completion=record)
    assert heard.calls == [[bob.pk], [bob.pk]]
    record_remove(actor=bob, completion=record)  # removed already: nothing changed
    assert len(heard.calls) == 2


def test_a_history_import_reports_everyone_added_in_one_call_and_a_check_reports_no_one(
    alice, bob, kent, national_course, heard
):
    carol = make_person(kent, "carol@kent.police.uk", first="Carol", last="Third", staff_number="K3")
    lines = (
        "K2,,SAS-01,,2019-05-14,86,1,",
        "K2,,,First aid at work,2017-06-30,,,St John Ambulance",
        "K3,,SAS-01,,2020-01-10,,,",
    )
    checked = _history(alice, kent, *lines, apply=False)
    assert checked.ok and heard.calls == []
    applied = _history(alice, kent, *lines, apply=True)
    assert applied.applied and applied.created == 3
    assert heard.calls == [sorted([bob.pk, carol.pk])] and heard.times == [AT]
    again = _history(alice, kent, *lines, apply=True)  # all already on the record: no one changed
    assert again.applied and again.created == 0
    assert len(heard.calls) == 1


# --- one transaction -----------------------------------------------------------------------------


def _writes_then(fails: bool):
    def write(*, person_ids, at):
        audit_record(
            actor=None, action="test.listener_wrote", object_type="test", object_label=str(person_ids)
        )

    def fail(*, person_ids, at):
        raise RuntimeError("the listener failed")

    return [write, fail] if fails else [write]


def test_listener_writes_commit_with_the_change(bob):
    with listening(*_writes_then(fails=False), alone=True):
        _external(bob, bob)
    assert AuditEvent.objects.filter(action="test.listener_wrote", object_label=f"[{bob.pk}]").exists()


def test_a_failing_listener_rolls_back_the_completion_and_the_other_listeners_writes(bob, national_course):
    with listening(*_writes_then(fails=True), alone=True), pytest.raises(RuntimeError):
        complete_on_platform(bob, national_course)
    assert not Completion.objects.filter(person=bob).exists()
    assert not Enrolment.objects.filter(person=bob, status=Enrolment.Status.COMPLETED).exists()
    assert not AuditEvent.objects.filter(action__in=["test.listener_wrote", "learning.complete"]).exists()


def test_a_failing_listener_keeps_an_external_record_from_being_added_or_removed(bob):
    with listening(*_writes_then(fails=True), alone=True), pytest.raises(RuntimeError):
        _external(bob, bob)
    assert not Completion.objects.filter(person=bob).exists()
    record = _external(bob, bob)
    with listening(*_writes_then(fails=True), alone=True), pytest.raises(RuntimeError):
        record_remove(actor=bob, completion=record)
    assert Completion.objects.filter(pk=record.pk).exists()
    assert not AuditEvent.objects.filter(action="test.listener_wrote").exists()


def test_a_failing_listener_rolls_back_the_whole_history_import(alice, bob, kent, national_course):
    from bluelamp.learning.api import CompletionImportRun
    from bluelamp.learning.records import HistoryImportError

    with listening(*_writes_then(fails=True), alone=True), pytest.raises(HistoryImportError) as caught:
        _history(alice, kent, "K2,,SAS-01,,2019-05-14,86,1,", apply=True)
    assert not Completion.objects.exists()
    assert not AuditEvent.objects.filter(action="test.listener_wrote").exists()
    assert caught.value.result.run.outcome == CompletionImportRun.Outcome.FAILED
