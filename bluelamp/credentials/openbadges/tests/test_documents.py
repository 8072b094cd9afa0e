"""Open Badges 3.0 documents: shape, contexts, and refusal of what verifiers would reject."""

import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bluelamp.credentials.openbadges import documents, keys

from . import factories as f


def test_credential_has_the_vc2_and_ob303_contexts_and_the_ob_types():
    credential = f.credential()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == "2026-11-30T09:15:00Z"
    assert credential["validUntil"] == "2029-11-30T00:00:00Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert "id" not in subject
    assert subject["achievement"]["id"] == f.ACHIEVEMENT
    assert subject["achievement"]["criteria"] == {
        "narrative": "Completed the course and passed its assessment (pass mark 80%)."
    }


def test_the_embedded_issuer_and_creator_leave_out_keys_and_contexts():
    credential = f.credential()
    for embedded in (credential["issuer"], credential["credentialSubject"]["achievement"]["creator"]):
        assert embedded["id"] == f.ISSUER
        assert embedded["type"] == ["Profile"]
        assert not {"@context", "verificationMethod", "assertionMethod"} & embedded.keys()


def test_the_profile_is_a_controller_document_listing_retired_keys_too():
    profile = f.profile()
    assert profile["assertionMethod"] == [f.KEY, f.RETIRED_KEY]
    assert [method["id"] for method in profile["verificationMethod"]] == [f.KEY, f.RETIRED_KEY]
    assert all("@context" not in method for method in profile["verificationMethod"])
    assert profile["image"] == {"id": "https://learn.example/static/kent.png", "type": "Image"}
    assert f.profile(with_retired=False)["assertionMethod"] == [f.KEY]


def test_a_key_controlled_by_someone_else_is_refused():
    stranger = keys.multikey_document("https://elsewhere.example/issuer", f.KEY, f.PUBLIC)
    with pytest.raises(ValueError, match="controlled by 'https://elsewhere.example/issuer'"):
        documents.issuer_profile(
            issuer_id=f.ISSUER,
            name="Kent Police",
            url=None,
            email=None,
            image=None,
            description=None,
            verification_methods=[stranger],
        )


def test_identity_object_is_a_salted_hash_of_the_normalised_address():
    identity = documents.identity_object("  Bob.Officer@Kent.Police.example ", "pepper")
    expected = hashlib.sha256(b"bob.officer@kent.police.examplepepper").hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "identityHash": f"sha256${expected}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "pepper",
    }
    with pytest.raises(ValueError, match="needs a salt"):
        documents.identity_object("bob@example.org", "")


def test_status_entry_and_status_list_credential():
    assert documents.status_entry(list_credential_url=f.STATUS_LIST, index=131071) == {
        "id": f"{f.STATUS_LIST}#131071",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "131071",
        "statusListCredential": f.STATUS_LIST,
    }
    status_list = documents.status_list_credential(
        list_id=f.STATUS_LIST,
        issuer_id=f.ISSUER,
        encoded_list="uH4sI",
        valid_from=f.ISSUED,
        purpose="suspension",
    )
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["credentialSubject"] == {
        "id": f"{f.STATUS_LIST}#list",
        "type": "BitstringStatusList",
        "statusPurpose": "suspension",
        "encodedList": "uH4sI",
    }
    with pytest.raises(ValueError, match="status purpose 'refresh' is not one of revocation, suspension"):
        documents.status_entry(list_credential_url=f.STATUS_LIST, index=1, purpose="refresh")


def test_datetimes_must_be_aware_and_are_written_in_utc():
    london_summer = timezone(timedelta(hours=1))
    assert documents.format_datetime(datetime(2026, 7, 1, 10, 0, 0, 999_999, tzinfo=london_summer)) == (
        "2026-07-01T09:00:00Z"
    )
    with pytest.raises(ValueError, match="has no time zone"):
        documents.format_datetime(datetime(2026, 7, 1, 10, 0))


def test_credential_input_errors_name_the_problem():
    base = {
        "credential_id": f.CREDENTIAL,
        "issuer": f.profile(),
        "achievement": f.achievement(),
        "name": "x",
        "valid_from": f.ISSUED,
        "status": None,
    }
    with pytest.raises(ValueError, match="needs subject_id or subject_identifier"):
        documents.achievement_credential(**base, subject_id=None, subject_identifier=None, valid_until=None)
    with pytest.raises(ValueError, match="is not after valid_from"):
        documents.achievement_credential(
            **base, subject_id="did:example:bob", subject_identifier=None, valid_until=f.ISSUED
        )
    with_did = documents.achievement_credential(
        **base, subject_id="did:example:bob", subject_identifier=None, valid_until=None
    )
    assert with_did["credentialSubject"]["id"] == "did:example:bob"
    assert "credentialStatus" not in with_did and "validUntil" not in with_did


@pytest.mark.parametrize("achievement_type", ["Certificate", "Competency", "ext:PoliceLicenceToPractise"])
def test_achievement_types_from_the_vocabulary_or_extensions(achievement_type):
    made = documents.achievement(
        achievement_id=f.ACHIEVEMENT,
        name="n",
        description="d",
        criteria_narrative="c",
        achievement_type=achievement_type,
        image=None,
        creator=None,
    )
    assert made["achievementType"] == achievement_type


def test_an_unknown_achievement_type_is_refused():
    with pytest.raises(ValueError, match="'Qualification' is neither an Open Badges AchievementType"):
        documents.achievement(
            achievement_id=f.ACHIEVEMENT,
            name="n",
            description="d",
            criteria_narrative="c",
            achievement_type="Qualification",
            image=None,
            creator=None,
        )


def test_times_are_utc_even_from_another_zone():
    credential = documents.achievement_credential(
        credential_id=f.CREDENTIAL,
        issuer=f.profile(),
        achievement=f.achievement(),
        subject_id="did:example:bob",
        subject_identifier=None,
        name="x",
        valid_from=datetime(2026, 11, 30, 9, 15, tzinfo=UTC).astimezone(timezone(timedelta(hours=-5))),
        valid_until=None,
        status=None,
    )
    assert credential["validFrom"] == "2026-11-30T09:15:00Z"
