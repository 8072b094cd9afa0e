"""The adviser's "Check a challenge code" page: a correct code is recorded on the timeline and
audited; a wrong, expired or used one says which and records nothing as verified; a code is
locked after 5 wrong tries. Staff only: the requester and outsiders get a 404."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.identity import services
from bluelamp.servicedesk.identity.challenge import MAX_WRONG_ATTEMPTS, challenge_code_check
from bluelamp.servicedesk.identity.models import ChallengeCode
from bluelamp.servicedesk.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(bob):
    return ticket_create(
        actor=bob, type="service_request", subject="Locked out", description="Forgot password"
    )


def _issue(adviser, ticket, at=None):
    services.identity_check_record(actor=adviser, ticket=ticket, method="security_questions", at=at)
    return services.challenge_code_issue(actor=adviser, ticket=ticket, at=at)


def _wrong_code(code: str) -> str:
    return code[:-1] + str((int(code[-1]) + 1) % 10)


def _verified_notes(ticket) -> list[str]:
    return [
        b for b in ticket.events.filter(kind="note").values_list("body", flat=True) if "checked: correct" in b
    ]


def test_a_correct_code_is_used_up_noted_and_audited(ticket, adviser):
    record, code = _issue(adviser, ticket)
    result = challenge_code_check(actor=adviser, ticket=ticket, code=f" {code[:4]} {code[4:]} ")
    assert result.valid and "identity is confirmed" in result.message
    record.refresh_from_db()
    assert record.used_at is not None
    (note,) = _verified_notes(ticket)
    assert code not in note
    assert ticket.events.get(body=note).visibility == "internal"
    assert AuditEvent.objects.filter(action="servicedesk.challenge_code_verified").count() == 1
    # Once only.
    again = challenge_code_check(actor=adviser, ticket=ticket, code=code)
    assert again.outcome == "used" and "already been used" in again.message
    assert len(_verified_notes(ticket)) == 1


def test_expired_and_wrong_codes_say_which_and_record_nothing(ticket, adviser):
    issued_at = timezone.now() - dt.timedelta(minutes=20)
    ticket.last_activity_at = issued_at - dt.timedelta(minutes=1)
    ticket.save(update_fields=["last_activity_at"])
    record, code = _issue(adviser, ticket, at=issued_at)

    expired = challenge_code_check(actor=adviser, ticket=ticket, code=code)
    assert expired.outcome == "expired" and "expired at" in expired.message

    wrong = challenge_code_check(actor=adviser, ticket=ticket, code=_wrong_code(code))
    assert wrong.outcome == "wrong" and "does not match" in wrong.message
    record.refresh_from_db()
    assert record.used_at is None
    assert _verified_notes(ticket) == []
    assert not AuditEvent.objects.filter(action="servicedesk.challenge_code_verified").exists()


def test_no_code_issued_and_bad_format(ticket, adviser):
    assert challenge_code_check(actor=adviser, ticket=ticket, code="12345678").outcome == "none_issued"
    with pytest.raises(ValidationError, match="8-digit code"):
        challenge_code_check(actor=adviser, ticket=ticket, code="12ab")


def test_locked_after_five_wrong_tries_even_for_the_right_code(ticket, adviser):
    record, code = _issue(adviser, ticket)
    wrong = _wrong_code(code)
    for attempt in range(1, MAX_WRONG_ATTEMPTS):
        result = challenge_code_check(actor=adviser, ticket=ticket, code=wrong)
        assert result.outcome == "wrong"
        left = MAX_WRONG_ATTEMPTS - attempt
        assert f"{left} {'try' if left == 1 else 'tries'} left" in result.message
    last = challenge_code_check(actor=adviser, ticket=ticket, code=wrong)
    assert last.outcome == "locked" and "now locked" in last.message
    assert ticket.events.filter(kind="note", body__contains="locked after 5 wrong tries").count() == 1

    right = challenge_code_check(actor=adviser, ticket=ticket, code=code)
    assert right.outcome == "locked"
    record.refresh_from_db()
    assert record.used_at is None and _verified_notes(ticket) == []
    # Further wrong tries are not counted past the lock, and still verify nothing.
    assert challenge_code_check(actor=adviser, ticket=ticket, code=wrong).outcome == "wrong"

    # A new code, after a fresh identity check, works.
    _, fresh = _issue(adviser, ticket)
    assert challenge_code_check(actor=adviser, ticket=ticket, code=fresh).valid


def test_only_staff_may_check(ticket, adviser, bob):
    _issue(adviser, ticket)
    with pytest.raises(PermissionDenied):
        challenge_code_check(actor=bob, ticket=ticket, code="12345678")


def test_the_page(signed_in, ticket, adviser, bob, charlie):
    url = f"/service-desk/tickets/{ticket.reference}/identity/check-code/"
    record, code = _issue(adviser, ticket)
    for outsider in (bob, charlie):  # the requester and an Essex admin
        client = signed_in(outsider)
        assert client.get(url).status_code == 404
        assert client.post(url, {"code": code}).status_code == 404
    assert ChallengeCode.objects.get(pk=record.pk).used_at is None

    client = signed_in(adviser)
    ticket_page = client.get(f"/service-desk/tickets/{ticket.reference}/")
    assert url in ticket_page.content.decode()

    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Check a challenge code" in body and "Spaces do not matter" in body
    assert f"After {MAX_WRONG_ATTEMPTS} wrong tries it is locked" in body
    assert "no-store" in page.get("Cache-Control", "")

    empty = client.post(url, {"code": ""})
    assert empty.status_code == 400 and "Enter the 8-digit code" in empty.content.decode()

    wrong = client.post(url, {"code": _wrong_code(code)})
    text = wrong.content.decode()
    assert wrong.status_code == 400
    assert "There is a problem" in text and "That code is wrong" in text and "4 tries left" in text
    assert "1 of 5" in text

    good = client.post(url, {"code": code}, follow=True)
    assert good.redirect_chain[-1][0].endswith(f"/service-desk/tickets/{ticket.reference}/#identity")
    assert "identity is confirmed" in good.content.decode()
    assert "Challenge-response code checked: correct" in good.content.decode()

    used = client.post(url, {"code": code})
    assert used.status_code == 400 and "already been used" in used.content.decode()


def test_page_for_a_ticket_without_an_account_holder_is_404(signed_in, adviser):
    enquiry = ticket_create(
        actor=None,
        type="general_enquiry",
        subject="Licences",
        description="Which licence?",
        requester_name="Jordan Partner",
        requester_email="jordan@agency.example",
    )
    url = f"/service-desk/tickets/{enquiry.reference}/identity/check-code/"
    assert signed_in(adviser).get(url).status_code == 404
