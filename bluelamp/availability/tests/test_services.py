"""Planning maintenance: what is refused and why, announcing to every licence's key contacts,
telling them again when it moves or is cancelled, and who may do it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.availability.models import MaintenanceWindow
from bluelamp.availability.services import (
    maintenance_announce,
    maintenance_cancel,
    maintenance_update,
    when,
)
from bluelamp.availability.tests.helpers import AT, make_window, utc, window_input
from bluelamp.changes.services import rfc_create
from bluelamp.changes.tests.helpers import rfc_input
from bluelamp.notifications.api import OutgoingEmail
from bluelamp.organisations.api import licence_contact_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def contacts(kent, essex):
    licence_contact_add(
        actor=None, licence=kent.licences.get(type="PL-P-101"), name="Kim Kent", email="kim@kent.police.uk"
    )
    licence_contact_add(
        actor=None, licence=essex.licences.get(type="PL-P-101"), name="Ed Essex", email="ed@essex.police.uk"
    )


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"title": " "}, "title", "Enter a title"),
        ({"description": ""}, "description", "Enter what is done"),
        ({"starts_at": None}, "starts_at", "Enter when the maintenance starts"),
        (
            {"starts_at": utc(2026, 12, 7, 9, 0)},
            "starts_at",
            "must be in the future (it is now 7 December 2026 at 10:00am)",
        ),
        ({"ends_at": utc(2026, 12, 12, 21, 0)}, "ends_at", "must be after the start"),
        ({"ends_at": utc(2026, 12, 16, 0, 0)}, "ends_at", "at most 72 hours"),
    ],
)
def test_bad_windows_are_refused_naming_what_is_wrong(service_manager, changes, field, words):
    with pytest.raises(ValidationError) as excinfo:
        make_window(actor=service_manager, **changes)
    assert words in " ".join(errors(excinfo)[field])
    assert not MaintenanceWindow.objects.exists()


def test_it_carries_out_an_approved_change_only(service_manager):
    rfc = rfc_create(actor=None, data=rfc_input(), at=AT)
    with pytest.raises(ValidationError) as excinfo:
        make_window(actor=service_manager, change=rfc.reference)
    assert "is awaiting cab: maintenance carries out an approved change" in errors(excinfo)["change"][0]
    with pytest.raises(ValidationError) as excinfo:
        make_window(actor=service_manager, change="RFC-2026-9999")
    assert errors(excinfo)["change"] == ["There is no request for change RFC-2026-9999"]
    rfc.status = "approved"
    rfc.save()
    assert make_window(actor=service_manager, change=rfc.reference.lower()).change == rfc


def test_only_the_services_leads_plan_it(adviser, alice):
    for person in (adviser, alice):
        with pytest.raises(PermissionDenied):
            make_window(actor=person)


def test_announcing_tells_every_key_contact_once(
    service_manager, contacts, django_capture_on_commit_callbacks
):
    window = make_window(actor=service_manager)
    with django_capture_on_commit_callbacks(execute=True):
        assert maintenance_announce(actor=service_manager, window=window, at=AT) == 2
    sent = OutgoingEmail.objects.filter(kind="availability.maintenance_announced")
    assert sorted(e.to[0] for e in sent) == ["ed@essex.police.uk", "kim@kent.police.uk"]
    email = sent.first()
    assert email.subject == f"Bluelamp: Planned maintenance {when(window)}"
    assert "from 10pm on Saturday 12 December 2026 to 1am on Sunday 13 December 2026" in email.subject
    assert "The database moves to a new version" in email.text_body and "/status" in email.text_body
    with pytest.raises(ValidationError, match="Already announced"):
        maintenance_announce(actor=service_manager, window=window, at=AT)


def test_moving_an_announced_window_tells_them_again(service_manager, contacts):
    window = make_window(actor=service_manager)
    moved = window_input(starts_at=utc(2026, 12, 19, 22, 0), ends_at=utc(2026, 12, 20, 1, 0))
    assert maintenance_update(actor=service_manager, window=window, data=moved, at=AT) == 0  # not announced
    maintenance_announce(actor=service_manager, window=window, at=AT)
    same_times = window_input(
        title="Database upgrade to 17", **{k: getattr(moved, k) for k in ("starts_at", "ends_at")}
    )
    assert maintenance_update(actor=service_manager, window=window, data=same_times, at=AT) == 0
    later = window_input(starts_at=utc(2026, 12, 26, 22, 0), ends_at=utc(2026, 12, 27, 1, 0))
    assert maintenance_update(actor=service_manager, window=window, data=later, at=AT) == 2
    changed = OutgoingEmail.objects.filter(kind="availability.maintenance_changed").first()
    assert "Planned maintenance has moved" in changed.text_body and "26 December 2026" in changed.subject


def test_a_window_under_way_keeps_its_start_and_may_run_longer(service_manager):
    window = make_window(actor=service_manager)
    during = utc(2026, 12, 12, 23, 0)
    earlier = window_input(starts_at=utc(2026, 12, 12, 21, 0))
    with pytest.raises(ValidationError) as excinfo:
        maintenance_update(actor=service_manager, window=window, data=earlier, at=during)
    assert "its start cannot move" in errors(excinfo)["starts_at"][0]
    longer = window_input(ends_at=utc(2026, 12, 13, 2, 0))
    maintenance_update(actor=service_manager, window=window, data=longer, at=during)
    window.refresh_from_db()
    assert window.ends_at == utc(2026, 12, 13, 2, 0)
    with pytest.raises(ValidationError, match="has started"):
        maintenance_cancel(actor=service_manager, window=window, reason="x", at=during)
    with pytest.raises(ValidationError, match="over or cancelled"):
        maintenance_update(actor=service_manager, window=window, data=longer, at=utc(2026, 12, 13, 3, 0))


def test_cancelling_tells_them_why(service_manager, contacts):
    window = make_window(actor=service_manager)
    maintenance_announce(actor=service_manager, window=window, at=AT)
    with pytest.raises(ValidationError) as excinfo:
        maintenance_cancel(actor=service_manager, window=window, reason=" ", at=AT)
    assert errors(excinfo)["reason"] == ["Enter why the maintenance is cancelled"]
    assert (
        maintenance_cancel(actor=service_manager, window=window, reason="The supplier moved it.", at=AT) == 2
    )
    window.refresh_from_db()
    assert window.is_cancelled and window.phase(AT) == "cancelled"
    cancelled = OutgoingEmail.objects.filter(kind="availability.maintenance_cancelled").first()
    assert "will not take place" in cancelled.text_body and "The supplier moved it." in cancelled.text_body
    with pytest.raises(ValidationError, match="nothing to announce"):
        maintenance_announce(actor=service_manager, window=window, at=AT)
