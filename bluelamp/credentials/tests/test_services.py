"""Issuing on completion, by hand and from the command line's service; revoking; templates;
keys rotating and withdrawn; who may do what."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bluelamp.audit.api import AuditEvent
from bluelamp.credentials import badges, keys
from bluelamp.credentials.models import Certificate, CertificateTemplate, IssuerKey, StatusList
from bluelamp.credentials.openbadges import proofs, statuslist
from bluelamp.credentials.services import (
    TemplateInput,
    certificate_issue,
    certificate_revoke,
    certificate_share,
    template_set_state,
    template_update,
)
from bluelamp.credentials.tests.helpers import AT, complete, course_template, page_course
from bluelamp.notifications.api import Notification

pytestmark = pytest.mark.django_db(transaction=False)


def _resolver(certificate):
    profile = badges.issuer_profile_document(certificate.issuer)
    return proofs.key_resolver(profile)


def test_completing_the_course_issues_its_certificate_once(
    bob, course, template, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        completion = complete(bob, course)
    certificate = Certificate.objects.get(person=bob)
    assert certificate.template == template and certificate.source_ref == str(completion.uuid)
    assert certificate.recipient_name == "Bob Officer" and certificate.issuer_name == "Kent Police"
    assert certificate.achievement_title == "Legal update 2026" and certificate.issued_on == dt.date(
        2026, 11, 2
    )
    assert certificate.issued_by is None and certificate.expires_on is None
    assert len(certificate.code) == 14 and certificate.code.count("-") == 2
    # Signed after commit by the task (the immediate backend runs it).
    certificate.refresh_from_db()
    assert certificate.credential["credentialSubject"]["achievement"]["name"] == "Legal update 2026"
    assert proofs.verify(certificate.credential, resolve_key=_resolver(certificate))
    notice = Notification.objects.get(person=bob, kind="credentials.issued")
    assert certificate.code in notice.body
    # Told again (another completion changed): nothing new.
    from bluelamp.credentials.courses import issue_on_completion

    issue_on_completion(person_ids=[bob.pk], at=AT)
    assert Certificate.objects.filter(person=bob).count() == 1
    assert AuditEvent.objects.filter(action="credentials.certificate.issue").count() == 1


def test_no_certificate_without_a_template_or_when_issued_by_hand_only(bob, alice, course):
    complete(bob, course)
    assert not Certificate.objects.exists()
    other = page_course(bob.organisation, alice, code="PAGE-2", title="Another")
    course_template(alice, other, issue_automatically=False)
    complete(bob, other)
    assert not Certificate.objects.exists()


def test_validity_sets_the_expiry_and_the_credentials_valid_until(bob, alice, course):
    course_template(alice, course, valid_for_months=12)
    complete(bob, course, at=dt.datetime(2026, 1, 31, 10, tzinfo=dt.UTC))
    certificate = Certificate.objects.get(person=bob)
    assert certificate.expires_on == dt.date(2027, 1, 31)
    assert certificate.status_on(dt.date(2027, 1, 31)) == "valid"
    assert certificate.status_on(dt.date(2027, 2, 1)) == "expired"
    badges.credential_sign(certificate, at=AT)
    assert certificate.credential["validUntil"] == "2027-01-31T23:59:59Z"


def test_issuing_by_hand_needs_the_issuers_administrator(bob, alice, charlie, course, template):
    completion = complete(bob, course)
    with pytest.raises(PermissionDenied):
        certificate_issue(actor=charlie, template=template, person=bob, achieved_on=completion.completed_on,
                          source_ref="x")  # fmt: skip
    certificate = certificate_issue(
        actor=alice, template=template, person=bob, achieved_on=dt.date(2026, 10, 1), source_ref="by-hand",
        sign_now=True, at=AT,
    )  # fmt: skip
    assert certificate.issued_by == alice and certificate.credential is not None
    again = certificate_issue(actor=alice, template=template, person=bob, achieved_on=dt.date(2026, 10, 1),
                              source_ref="by-hand", at=AT)  # fmt: skip
    assert again.pk == certificate.pk


def test_a_retired_template_issues_nothing(bob, alice, course, template):
    template_set_state(actor=alice, template=template, state="retired", at=AT)
    complete(bob, course)
    assert not Certificate.objects.exists()
    with pytest.raises(ValidationError, match="retired"):
        certificate_issue(actor=alice, template=template, person=bob, achieved_on=AT.date(), source_ref="x")


def test_one_template_in_use_per_achievement(alice, course, template):
    with pytest.raises(ValidationError, match="already has a certificate in use"):
        course_template(alice, course)
    template_set_state(actor=alice, template=template, state="retired", at=AT)
    second = course_template(alice, course, wording="has completed")
    with pytest.raises(ValidationError, match="Another certificate"):
        template_set_state(actor=alice, template=template, state="active", at=AT)
    template.refresh_from_db()
    assert template.state == "retired" and second.state == "active"


def test_template_input_is_checked_by_field(alice, template):
    with pytest.raises(ValidationError) as error:
        template_update(actor=alice, template=template, data=TemplateInput(title=" ", valid_for_months=0))
    assert set(error.value.message_dict) == {"title", "valid_for_months"}
    assert "1 to 240" in error.value.message_dict["valid_for_months"][0]
    template.refresh_from_db()
    assert template.title == "Legal update 2026"


def test_revoking_sets_the_status_list_bit_and_needs_a_reason(bob, alice, charlie, course, template):
    completion = complete(bob, course)
    certificate = certificate_issue(actor=alice, template=template, person=bob,
                                    achieved_on=completion.completed_on, source_ref="r", sign_now=True, at=AT)  # fmt: skip
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=charlie, certificate=certificate, reason="no")
    with pytest.raises(ValidationError, match="reason"):
        certificate_revoke(actor=alice, certificate=certificate, reason="  ")
    certificate_revoke(actor=alice, certificate=certificate, reason="Issued in error", at=AT)
    certificate.refresh_from_db()
    assert certificate.status_on(AT.date()) == "revoked"
    status_list = StatusList.objects.get(pk=certificate.status_list_id)
    encoded = status_list.document["credentialSubject"]["encodedList"]
    assert statuslist.is_set(encoded, certificate.status_index)
    assert proofs.verify(status_list.document, resolve_key=_resolver(certificate))
    event = AuditEvent.objects.get(action="credentials.certificate.revoke")
    assert event.after == {"reason": "Issued in error"}
    with pytest.raises(ValidationError, match="already revoked"):
        certificate_revoke(actor=alice, certificate=certificate, reason="again")


def test_each_badge_takes_its_own_place_in_the_list(bob, alice, course, template, kent):
    from conftest import make_person

    people = [bob] + [
        make_person(kent, f"p{i}@kent.police.uk", first="P", last=f"{i}", staff_number=f"P{i}")
        for i in range(3)
    ]
    issued = [
        certificate_issue(
            actor=alice, template=template, person=p, achieved_on=AT.date(), source_ref=f"s{n}", at=AT
        )
        for n, p in enumerate(people)
    ]
    assert [c.status_index for c in issued] == [0, 1, 2, 3]
    assert len({c.status_list_id for c in issued}) == 1


def test_only_the_recipient_shares_their_badge(bob, alice, course, template):
    certificate = certificate_issue(actor=alice, template=template, person=bob, achieved_on=AT.date(),
                                    source_ref="s", at=AT)  # fmt: skip
    with pytest.raises(PermissionDenied):
        certificate_share(actor=alice, certificate=certificate, shared=True)
    assert certificate_share(actor=bob, certificate=certificate, shared=True).shared


def test_rotating_keeps_old_credentials_verifying_and_withdrawing_resigns_them(
    bob, alice, kent, course, template
):
    from conftest import make_person, with_mfa  # noqa: F401

    certificate = certificate_issue(actor=alice, template=template, person=bob, achieved_on=AT.date(),
                                    source_ref="s", sign_now=True, at=AT)  # fmt: skip
    first = certificate.signed_with
    with pytest.raises(PermissionDenied):
        keys.issuer_key_rotate(actor=bob, organisation=kent)
    second = keys.issuer_key_rotate(actor=alice, organisation=kent, at=AT + dt.timedelta(days=1))
    first.refresh_from_db()
    assert first.state == "retired" and second.state == "signing"
    assert keys.signing_key(kent) == second
    # Still published: the old credential verifies against the profile as it is now.
    assert proofs.verify(certificate.credential, resolve_key=_resolver(certificate))
    keys.issuer_key_withdraw(actor=alice, key=first, reason="Leaked", at=AT + dt.timedelta(days=2))
    assert not proofs.verify(certificate.credential, resolve_key=_resolver(certificate))
    assert badges.resign_signed_with(first) == 1
    certificate.refresh_from_db()
    assert certificate.signed_with == second
    assert proofs.verify(certificate.credential, resolve_key=_resolver(certificate))
    assert IssuerKey.objects.filter(organisation=kent).count() == 2


def test_private_keys_are_stored_encrypted_and_survive_a_secret_key_rotation(settings, kent):
    key = keys.signing_key(kent, at=AT)
    private = keys.private_key(key)
    assert private not in bytes(key.private_key_encrypted)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-0123456789"
    assert keys.private_key(IssuerKey.objects.get(pk=key.pk)) == private
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(RuntimeError, match="SECRET_KEY_FALLBACKS"):
        keys.private_key(IssuerKey.objects.get(pk=key.pk))


def test_template_kinds_are_course_for_now(template):
    assert CertificateTemplate.objects.get().achievement_kind == "course"
    assert template.achievement_code == "LEGAL-2026"


def test_a_certificate_made_after_the_fact_is_issued_to_those_who_completed_before(
    signed_in, bob, alice, charlie, course
):
    from bluelamp.credentials import courses

    completion = complete(bob, course)
    template = course_template(alice, course)
    assert courses.backlog_count(template) == 1
    url = f"/certificates/manage/{template.uuid}/backlog/"
    assert signed_in(charlie).post(url).status_code == 404
    response = signed_in(alice).post(url, follow=True)
    assert "Issued Legal update 2026 to 1 person who completed it before" in response.content.decode()
    certificate = Certificate.objects.get(person=bob)
    assert certificate.source_ref == str(completion.uuid) and certificate.issued_by == alice
    assert courses.backlog_count(template) == 0
    assert (
        "Everyone with a completion on record already holds"
        in signed_in(alice).post(url, follow=True).content.decode()
    )
