"""eddsa-rdfc-2022 Data Integrity proofs: sign, verify, tamper, key rotation, strict JSON-LD."""

import copy
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bluelamp.credentials.openbadges import contexts, proofs
from bluelamp.credentials.openbadges._multibase import decode_z, encode_z

from . import factories as f


def resolver(*, with_retired: bool = True):
    return proofs.key_resolver(f.profile(with_retired=with_retired))


def test_signed_credential_carries_a_data_integrity_proof():
    signed = f.signed_credential()
    assert signed["proof"] == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-30T09:16:30Z",
        "verificationMethod": f.KEY,
        "proofPurpose": "assertionMethod",
        "proofValue": signed["proof"]["proofValue"],
    }
    assert len(decode_z(signed["proof"]["proofValue"])) == 64
    assert "proof" not in f.credential()  # the input is left alone
    assert proofs.verify(signed, resolve_key=resolver())


def test_signatures_are_deterministic_and_independent_of_key_order():
    signed = f.signed_credential()
    reordered = dict(reversed(list(f.credential().items())))
    again = proofs.sign(reordered, private_key=f.PRIVATE, verification_method=f.KEY, created=f.SIGNED)
    assert again["proof"]["proofValue"] == signed["proof"]["proofValue"]


def test_one_changed_character_of_the_subject_fails():
    tampered = f.signed_credential()
    identity = tampered["credentialSubject"]["identifier"][0]
    identity["identityHash"] = identity["identityHash"][:-1] + (
        "0" if identity["identityHash"][-1] != "0" else "1"
    )
    assert not proofs.verify(tampered, resolve_key=resolver())


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c.__setitem__("validFrom", "2026-11-29T09:15:00Z"),
        lambda c: c["credentialSubject"]["achievement"].__setitem__("name", "Something else"),
        lambda c: c["proof"].__setitem__("created", "2026-11-30T09:16:31Z"),
        lambda c: c.pop("credentialStatus"),
    ],
    ids=["validFrom", "achievement name", "proof created", "status removed"],
)
def test_any_signed_statement_changed_fails(change):
    tampered = copy.deepcopy(f.signed_credential())
    change(tampered)
    assert not proofs.verify(tampered, resolve_key=resolver())


def test_a_retired_key_still_verifies_while_the_profile_lists_it():
    old = f.signed_credential(private_key=f.RETIRED_PRIVATE, key_id=f.RETIRED_KEY)
    assert proofs.verify(old, resolve_key=resolver())
    assert not proofs.verify(old, resolve_key=resolver(with_retired=False))


def test_a_key_the_issuer_does_not_list_or_the_wrong_key_fails():
    signed_with_wrong_key = f.signed_credential(private_key=f.RETIRED_PRIVATE, key_id=f.KEY)
    assert not proofs.verify(signed_with_wrong_key, resolve_key=resolver())
    assert not proofs.verify(f.signed_credential(), resolve_key=lambda method: None)


def test_a_proof_for_another_purpose_fails():
    signed = proofs.sign(
        f.credential(),
        private_key=f.PRIVATE,
        verification_method=f.KEY,
        created=f.SIGNED,
        proof_purpose="authentication",
    )
    assert not proofs.verify(signed, resolve_key=lambda method: f.PUBLIC)
    assert proofs.verify(signed, resolve_key=lambda method: f.PUBLIC, proof_purpose="authentication")


def test_an_expired_proof_fails_at_a_later_time_only():
    signed = f.signed_credential()
    signed["proof"]["expires"] = "2026-12-01T00:00:00Z"
    resign_target = {key: value for key, value in signed.items() if key != "proof"}
    options = {key: value for key, value in signed["proof"].items() if key != "proofValue"}
    # Sign the proof options including `expires` by hand, as another issuer might.
    data = proofs._hash_data(resign_target, options)
    signed["proof"]["proofValue"] = encode_z(Ed25519PrivateKey.from_private_bytes(f.PRIVATE).sign(data))
    assert proofs.verify(signed, resolve_key=resolver(), at=datetime(2026, 11, 30, 23, tzinfo=UTC))
    assert not proofs.verify(signed, resolve_key=resolver(), at=f.CHECKED)


def test_the_status_list_credential_signs_and_verifies():
    status_list = f.signed_status_list([7])
    assert proofs.verify(status_list, resolve_key=resolver())


def test_malformed_input_raises_proof_error():
    with pytest.raises(proofs.ProofError, match="has no proof"):
        proofs.verify(f.credential(), resolve_key=resolver())
    signed = f.signed_credential()
    with pytest.raises(proofs.ProofError, match="already has a proof"):
        proofs.sign(signed, private_key=f.PRIVATE, verification_method=f.KEY, created=f.SIGNED)
    with pytest.raises(proofs.ProofError, match="only DataIntegrityProof with eddsa-rdfc-2022"):
        proofs.verify(
            {**signed, "proof": {**signed["proof"], "cryptosuite": "ecdsa-rdfc-2019"}}, resolve_key=resolver()
        )
    with pytest.raises(proofs.ProofError, match="several proofs"):
        proofs.verify({**signed, "proof": [signed["proof"]]}, resolve_key=resolver())
    with pytest.raises(proofs.ProofError, match="not multibase base58btc"):
        proofs.verify({**signed, "proof": {**signed["proof"], "proofValue": "u0000"}}, resolve_key=resolver())
    with pytest.raises(proofs.ProofError, match="must be 32 raw bytes"):
        proofs.sign(f.credential(), private_key=b"short", verification_method=f.KEY, created=f.SIGNED)


def test_undefined_terms_are_refused_rather_than_left_unsigned():
    credential = f.credential()
    credential["credentialSubject"]["favouriteColour"] = "blue"
    with pytest.raises(proofs.ProofError, match="do not define 'favouriteColour'"):
        proofs.sign(credential, private_key=f.PRIVATE, verification_method=f.KEY, created=f.SIGNED)
    credential = f.credential()
    credential["type"].append("PoliceCredential")
    with pytest.raises(proofs.ProofError, match="type 'PoliceCredential' is not defined"):
        proofs.sign(credential, private_key=f.PRIVATE, verification_method=f.KEY, created=f.SIGNED)


def test_contexts_are_never_fetched():
    credential = f.credential()
    credential["@context"] = [*credential["@context"], "https://example.org/unknown-context.jsonld"]
    with pytest.raises(
        proofs.ProofError, match="'https://example.org/unknown-context.jsonld' is not bundled"
    ):
        proofs.sign(credential, private_key=f.PRIVATE, verification_method=f.KEY, created=f.SIGNED)


def test_a_document_without_the_vc_or_data_integrity_context_is_refused():
    with pytest.raises(proofs.ProofError, match="must include https://www.w3.org/ns/credentials/v2"):
        proofs.sign(
            {"@context": contexts.MULTIKEY_V1, "id": f.KEY, "type": "Multikey"},
            private_key=f.PRIVATE,
            verification_method=f.KEY,
            created=f.SIGNED,
        )


def test_too_many_blank_nodes_are_refused_before_canonicalisation():
    credential = f.credential()
    credential["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "identityHash": f"sha256${n}",
            "identityType": "emailAddress",
            "hashed": True,
        }
        for n in range(proofs.MAX_BLANK_NODES + 1)
    ]
    with pytest.raises(proofs.ProofError, match="blank nodes; at most 100"):
        proofs.canonicalize(credential)


def test_missing_context_files_name_the_file_and_the_command(tmp_path, monkeypatch):
    monkeypatch.setattr(contexts, "CONTEXTS_DIR", tmp_path)
    with pytest.raises(contexts.ContextUnavailable) as raised:
        contexts.load_context(contexts.VC_V2)
    message = str(raised.value)
    assert str(tmp_path / "credentials-v2.jsonld") in message
    assert "npm ci && npm run build" in message


def test_every_bundled_context_is_present_and_a_context():
    for url in contexts.CONTEXT_FILES:
        assert "@context" in contexts.load_context(url)
    assert contexts.load_context(contexts.OB_V3P0)["@context"]["OpenBadgeCredential"]["@id"] == (
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
    )
