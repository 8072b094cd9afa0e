"""Identity checks before password resets and challenge-response codes (the adviser's job
description): refused without a recent check; the reset goes to the address on record."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from bluelamp.audit.api import AuditEvent
from bluelamp.servicedesk.identity import services
from bluelamp.servicedesk.identity.models import ChallengeCode
from bluelamp.servicedesk.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(bob):
    return ticket_create(
        actor=bob, type="service_request", subject="Locked out", description="Forgot password"
    )


def test_refused_without_a_check_and_after_30_minutes(ticket, adviser):
    with pytest.raises(ValidationError, match="Verify the requester's identity"):
        services.password_reset_send(actor=adviser, ticket=ticket)
    with pytest.raises(ValidationError, match="Verify the requester's identity"):
        services.challenge_code_issue(actor=adviser, ticket=ticket)
    earlier = timezone.now() - dt.timedelta(minutes=31)
    ticket.last_activity_at = earlier - dt.timedelta(minutes=1)
    ticket.save(update_fields=["last_activity_at"])
    services.identity_check_record(actor=adviser, ticket=ticket, method="security_questions", at=earlier)
    with pytest.raises(ValidationError, match="more than 30 minutes ago"):
        services.password_reset_send(actor=adviser, ticket=ticket)
    assert not ChallengeCode.objects.exists()


def test_password_reset_goes_to_the_address_on_record(
    ticket, adviser, bob, django_capture_on_commit_callbacks
):
    services.identity_check_record(
        actor=adviser, ticket=ticket, method="call_back", notes="Called 01632 960000"
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.password_reset_send(actor=adviser, ticket=ticket)
    (message,) = mail.outbox
    assert message.to == [bob.email]
    assert "/accounts/password/reset/key/" in message.body
    notes = list(ticket.events.filter(kind="note").values_list("body", flat=True))
    assert any("Password reset e-mail sent" in n for n in notes)
    assert AuditEvent.objects.filter(action="servicedesk.password_reset_send").count() == 1


def test_challenge_code_is_hashed_expires_and_works_once(ticket, adviser, bob):
    services.identity_check_record(actor=adviser, ticket=ticket, method="line_manager")
    record, code = services.challenge_code_issue(actor=adviser, ticket=ticket)
    assert len(code) == 8 and code not in record.code_hash
    assert not ticket.events.filter(body__contains=code).exists()
    assert not AuditEvent.objects.filter(after__icontains=code).exists()
    assert record.expires_at - record.issued_at == dt.timedelta(minutes=15)
    assert not services.challenge_code_use(person=bob, code=code, at=record.expires_at)
    assert services.challenge_code_use(person=bob, code=code)
    assert not services.challenge_code_use(person=bob, code=code)


def test_identity_pages(signed_in, ticket, adviser, bob, charlie, django_capture_on_commit_callbacks):
    base = f"/service-desk/tickets/{ticket.reference}/identity"
    for outsider in (bob, charlie):
        c = signed_in(outsider)
        assert c.post(f"{base}/check/", {"identity-method": "call_back"}).status_code == 404
        assert c.post(f"{base}/password-reset/").status_code == 404
        assert c.post(f"{base}/challenge-code/").status_code == 404
    client = signed_in(adviser)
    refused = client.post(f"{base}/password-reset/", follow=True)
    assert (
        "Verify the requester&#39;s identity" in refused.content.decode()
        or "Verify the requester's identity" in refused.content.decode()
    )
    assert client.post(f"{base}/check/", {"identity-method": "nonsense"}).status_code == 400
    assert client.post(f"{base}/check/", {"identity-method": "security_questions"}).status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{base}/password-reset/").status_code == 302
    assert [m.to for m in mail.outbox] == [[bob.email]]
    shown = client.post(f"{base}/challenge-code/")
    assert shown.status_code == 200 and "no-store" in shown.get("Cache-Control", "")
    assert ChallengeCode.objects.count() == 1
