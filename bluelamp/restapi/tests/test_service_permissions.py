"""The API-token services check who acts: no one revokes someone else's token (Charlie, an
Essex administrator, cannot revoke Alice's), and a leaver gets no new token."""

import pytest
from django.core.exceptions import PermissionDenied

from bluelamp.audit.api import AuditEvent
from bluelamp.people.api import person_update
from bluelamp.restapi.models import ApiToken
from bluelamp.restapi.services import api_token_create, api_token_revoke


def test_an_outsider_cannot_revoke_someone_elses_token(alice, charlie):
    api_token, _ = api_token_create(actor=alice, name="HR nightly sync", expires_in_days=90)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        api_token_revoke(actor=charlie, api_token=api_token)
    assert ApiToken.objects.filter(pk=api_token.pk).exists()
    assert AuditEvent.objects.count() == events
    api_token_revoke(actor=alice, api_token=api_token)
    assert not ApiToken.objects.filter(pk=api_token.pk).exists()


def test_a_leaver_gets_no_token(alice, bob):
    person_update(actor=alice, person=bob, status="leaver")
    with pytest.raises(PermissionDenied):
        api_token_create(actor=bob, name="After I left", expires_in_days=30)
    assert not ApiToken.objects.exists()
