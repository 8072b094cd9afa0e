"""The people-changed hook: each write of people's audience facts tells the listeners who changed,
inside its transaction (a listener's writes roll back with the change); sign-in and profile
changes do not."""

import datetime as dt

import pytest

from bluelamp.audit.api import AuditEvent, audit_record
from bluelamp.organisations.api import Unit, unit_create
from bluelamp.people.api import Person, listen_people_changed, person_transfer, person_update, run_import
from bluelamp.people.listeners import listening, people_changed
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
    listener = Calls()
    with listening(listener, alone=True):
        yield listener


HEADER = (
    "staff_number,email,first_name,last_name,unit,rank,job_role,line_manager_staff_number,start_date,status\n"
)


def _csv(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def _import(actor, organisation, data: bytes, *, dry_run: bool = False):
    return run_import(actor=actor, organisation=organisation, data=data, file_name="hr.csv", dry_run=dry_run)


def _ids(organisation, *staff_numbers: str) -> list[int]:
    return sorted(
        Person.objects.filter(organisation=organisation, staff_number__in=staff_numbers).values_list(
            "pk", flat=True
        )
    )


# --- the registry --------------------------------------------------------------------------------


def test_a_listener_registered_twice_is_called_once_with_distinct_sorted_ids_and_a_time():
    listener, other = Calls(), Calls()
    with listening(other, alone=True):  # the domains' own listeners are set aside
        with listening():
            listen_people_changed(listener)
            listen_people_changed(listener)
            people_changed(person_ids=[3, 1, 3])
            people_changed(person_ids=[])  # no one: nothing to tell
        people_changed(person_ids=[1])  # the registry is as it was before the inner block
    assert listener.calls == [[1, 3]]
    assert listener.times[0].tzinfo is not None
    assert other.calls == [[1, 3], [1]]


def test_listening_alone_sets_aside_the_listeners_registered_before():
    before, during = Calls(), Calls()
    with listening(before, alone=True):
        with listening(during, alone=True):
            people_changed(person_ids=[7], at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
        people_changed(person_ids=[8])
    assert during.calls == [[7]] and during.times == [dt.datetime(2026, 1, 5, tzinfo=dt.UTC)]
    assert before.calls == [[8]]


# --- the services --------------------------------------------------------------------------------


def test_a_new_person_is_reported(kent, heard):
    person = make_person(kent, "new@kent.police.uk", staff_number="K9")
    assert heard.calls == [[person.pk]]


def test_an_update_of_audience_facts_is_reported_and_a_new_name_or_address_is_not(alice, bob, kent, heard):
    unit = unit_create(actor=None, organisation=kent, name="Response")
    person_update(actor=alice, person=bob, first_name="Robert", email="robert@kent.police.uk")
    assert heard.calls == []
    person_update(actor=alice, person=bob, rank="Sergeant")
    person_update(actor=alice, person=bob, unit=unit)
    person_update(actor=alice, person=bob, job_role="Custody sergeant")
    person_update(actor=alice, person=bob, employment_start_date=dt.date(2019, 4, 1))
    person_update(actor=alice, person=bob, line_manager=None)
    assert heard.calls == [[bob.pk]] * 5


def test_a_leaver_and_their_return_are_reported(alice, bob, heard):
    person_update(actor=alice, person=bob, status=Person.Status.LEAVER)
    bob.refresh_from_db()
    assert not bob.is_active and bob.left_on is not None
    person_update(actor=alice, person=bob, status=Person.Status.ACTIVE)
    assert heard.calls == [[bob.pk], [bob.pk]]


def test_a_transfer_reports_the_person_and_the_reports_who_lose_them_as_manager(
    alice, bob, essex, platform_admin, heard
):
    person_transfer(actor=platform_admin, person=alice, to_organisation=essex, staff_number="E7")
    assert heard.calls == [sorted([alice.pk, bob.pk])]
    bob.refresh_from_db()
    assert bob.line_manager_id is None


def test_the_admin_reports_changes_of_audience_facts_only(signed_in, platform_admin, bob, heard):
    client = signed_in(platform_admin)

    def post(**changes):
        form = {
            "email": bob.email,
            "first_name": bob.first_name,
            "last_name": bob.last_name,
            "organisation": bob.organisation_id,
            "unit": "",
            "staff_number": bob.staff_number,
            "rank": "",
            "job_role": "",
            "line_manager": bob.line_manager_id,
            "employment_start_date": "",
            "status": "active",
            "left_on": "",
            "is_active": "on",
        } | changes
        response = client.post(f"/django-admin/people/person/{bob.pk}/change/", form)
        assert response.status_code == 302, response.content.decode()[:3000]

    post(first_name="Robert")
    assert heard.calls == []
    post(rank="Sergeant")
    assert heard.calls == [[bob.pk]]


# --- the HR import -------------------------------------------------------------------------------

FIRST = _csv(
    "100,sgt.one@kent.police.uk,Sam,One,East/Response,Sergeant,Response sergeant,,2015-04-01,active",
    "101,pc.two@kent.police.uk,Pat,Two,East/Response,Police Constable,Response officer,100,2021-09-06,active",
    "102,staff.three@kent.police.uk,Jo,Three,HQ,Police Staff,Trainer,,,active",
)


def test_an_hr_import_reports_everyone_created_in_one_call(alice, kent, heard):
    checked = _import(alice, kent, FIRST, dry_run=True)
    assert checked.ok and heard.calls == []  # a dry run changes no one
    applied = _import(alice, kent, FIRST)
    assert applied.applied
    assert heard.calls == [_ids(kent, "100", "101", "102")]


def test_an_hr_import_reports_people_changed_and_leavers_but_not_new_names_or_the_unchanged(
    alice, kent, heard
):
    _import(alice, kent, FIRST)
    heard.calls.clear()
    second = _csv(
        # promoted; a leaver; a new surname and address only; unchanged (line manager included)
        "100,sgt.one@kent.police.uk,Sam,One,East/Response,Inspector,Response inspector,,2015-04-01,active",
        "101,pc.two@kent.police.uk,Pat,Two,East/Response,Police Constable,Response officer,100,2021-09-06,leaver",
        "102,jo.newname@kent.police.uk,Jo,Newname,HQ,Police Staff,Trainer,,,active",
    )
    result = _import(alice, kent, second)
    assert (result.updated, result.leavers) == (3, 1)
    assert heard.calls == [_ids(kent, "100", "101")]

    heard.calls.clear()
    moved = _csv(
        # a new unit; a new line manager; a new start date
        "100,sgt.one@kent.police.uk,Sam,One,West/Custody,Inspector,Response inspector,,2015-04-01,active",
        "102,jo.newname@kent.police.uk,Jo,Newname,HQ,Police Staff,Trainer,100,,active",
        "103,new.four@kent.police.uk,Al,Four,,,,,2026-01-05,active",
    )
    _import(alice, kent, moved)
    assert heard.calls == [_ids(kent, "100", "102", "103")]
    assert Person.objects.get(staff_number="100").unit == Unit.objects.get(full_path="West/Custody")


def test_someone_made_inactive_elsewhere_is_reported_when_the_import_makes_them_active_again(
    alice, kent, heard
):
    _import(alice, kent, FIRST)
    Person.objects.filter(staff_number="102").update(is_active=False)
    heard.calls.clear()
    renamed = _csv("102,staff.three@kent.police.uk,Joanne,Three,HQ,Police Staff,Trainer,,,active")
    _import(alice, kent, renamed)
    assert Person.objects.get(staff_number="102").is_active
    assert heard.calls == [_ids(kent, "102")]


# --- one transaction -----------------------------------------------------------------------------


def _writes_then(fails: bool):
    def write(*, person_ids, at):
        audit_record(
            actor=None, action="test.listener_wrote", object_type="test", object_label=str(person_ids)
        )

    def fail(*, person_ids, at):
        raise RuntimeError("the listener failed")

    return [write, fail] if fails else [write]


def test_listener_writes_commit_with_the_change(alice, bob):
    with listening(*_writes_then(fails=False), alone=True):
        person_update(actor=alice, person=bob, rank="Sergeant")
    assert AuditEvent.objects.filter(action="test.listener_wrote", object_label=f"[{bob.pk}]").exists()


def test_a_failing_listener_rolls_back_the_change_and_the_other_listeners_writes(alice, bob):
    with listening(*_writes_then(fails=True), alone=True), pytest.raises(RuntimeError):
        person_update(actor=alice, person=bob, rank="Sergeant")
    bob.refresh_from_db()
    assert bob.rank == ""
    assert not AuditEvent.objects.filter(action="test.listener_wrote").exists()
    assert not AuditEvent.objects.filter(action="person.update", object_id=str(bob.pk)).exists()


def test_a_failing_listener_rolls_back_the_whole_hr_import(alice, kent):
    with listening(*_writes_then(fails=True), alone=True), pytest.raises(RuntimeError):
        _import(alice, kent, FIRST)
    assert not Person.objects.filter(organisation=kent, staff_number__in=["100", "101", "102"]).exists()
    assert not Unit.objects.filter(organisation=kent).exists()
    assert not AuditEvent.objects.filter(action="test.listener_wrote").exists()
