"""The VC-JWT form: EdDSA JWS round trip, tampering, key rotation, validity window."""

import base64
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bluelamp.credentials.openbadges import keys, proofs
from bluelamp.credentials.openbadges.jwt import sign_jwt, verify_jwt

from . import factories as f
from .test_node_interop import node

ROOT = Path(__file__).resolve().parents[4]


def resolver(*, with_retired: bool = True):
    return proofs.key_resolver(f.profile(with_retired=with_retired))


def token(**kwargs):
    return sign_jwt(
        f.credential(), private_key=kwargs.get("private_key", f.PRIVATE), key_id=kwargs.get("key_id", f.KEY)
    )


def segment(value: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def test_header_and_claims():
    header, payload, _ = token().split(".")
    assert segment(header) == {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": f.KEY}
    claims = segment(payload)
    assert claims["iss"] == f.ISSUER
    assert claims["jti"] == f.CREDENTIAL
    assert claims["nbf"] == int(f.ISSUED.timestamp())
    assert claims["exp"] == int(datetime(2029, 11, 30, tzinfo=UTC).timestamp())
    assert "sub" not in claims and "vc" not in claims
    assert claims["credentialSubject"] == f.credential()["credentialSubject"]


def test_round_trip_returns_the_credential():
    assert verify_jwt(token(), resolve_key=resolver(), at=f.CHECKED) == f.credential()


def test_tampered_payload_or_unknown_key_fails():
    header, payload, signature = token().split(".")
    claims = segment(payload)
    claims["credentialSubject"]["achievement"]["name"] += "!"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert verify_jwt(f"{header}.{forged}.{signature}", resolve_key=resolver(), at=f.CHECKED) is None
    retired = token(private_key=f.RETIRED_PRIVATE, key_id=f.RETIRED_KEY)
    assert verify_jwt(retired, resolve_key=resolver(), at=f.CHECKED) is not None
    assert verify_jwt(retired, resolve_key=resolver(with_retired=False), at=f.CHECKED) is None


def test_validity_window_is_checked_at_the_given_time():
    assert verify_jwt(token(), resolve_key=resolver(), at=datetime(2026, 11, 30, 9, 14, tzinfo=UTC)) is None
    assert verify_jwt(token(), resolve_key=resolver(), at=datetime(2029, 11, 30, tzinfo=UTC)) is None
    assert (
        verify_jwt(token(), resolve_key=resolver(), at=datetime(2029, 11, 29, 23, 59, tzinfo=UTC)) is not None
    )


def test_malformed_tokens_raise():
    with pytest.raises(proofs.ProofError, match="not a compact JWS"):
        verify_jwt("not-a-token", resolve_key=resolver(), at=f.CHECKED)
    with pytest.raises(proofs.ProofError, match="remove its Data Integrity proof"):
        sign_jwt(f.signed_credential(), private_key=f.PRIVATE, key_id=f.KEY)


@pytest.mark.skipif(
    shutil.which("node") is None
    or not (ROOT / "node_modules" / "@digitalbazaar" / "ed25519-multikey").is_dir(),
    reason="node or node_modules/@digitalbazaar/ed25519-multikey is absent: run `npm ci`",
)
def test_node_crypto_verifies_our_jws():
    result = node(
        {"command": "verify-jws", "token": token(), "publicKeyMultibase": keys.public_multikey(f.PUBLIC)}
    )
    assert result["verified"] is True
    assert result["payload"]["jti"] == f.CREDENTIAL
    header, payload, signature = token().split(".")
    other = node(
        {
            "command": "verify-jws",
            "token": f"{header}.{payload}.{signature}",
            "publicKeyMultibase": keys.public_multikey(f.RETIRED_PUBLIC),
        }
    )
    assert other["verified"] is False
