"""The VC-JWT form of a credential: a compact EdDSA JWS whose payload is the credential itself.

Follows W3C "Securing Verifiable Credentials using JOSE and COSE" (header `typ` vc+jwt,
`cty` vc, no `vc` wrapper claim) and adds the registered claims Open Badges 3.0 verifiers
read: `iss` (issuer id), `jti` (credential id), `sub` (subject id, when there is one),
`nbf`/`exp` (validFrom/validUntil). Times are checked against an explicit `at`, never the
clock, so tests and re-checks of old credentials are exact.
"""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .proofs import KeyResolver, ProofError

__all__ = ["sign_jwt", "verify_jwt"]

_HEADER_TYPE = "vc+jwt"
_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")


def sign_jwt(credential: dict[str, Any], *, private_key: bytes, key_id: str) -> str:
    """The credential (unsigned, without `proof`) as a compact EdDSA JWS signed with `private_key`."""
    if "proof" in credential:
        raise ProofError("a VC-JWT secures the unsigned credential; remove its Data Integrity proof first")
    payload = {**credential, **_registered_claims(credential)}
    signer = Ed25519PrivateKey.from_private_bytes(private_key)
    return pyjwt.encode(
        payload, signer, algorithm="EdDSA", headers={"kid": key_id, "typ": _HEADER_TYPE, "cty": "vc"}
    )


def verify_jwt(token: str, *, resolve_key: KeyResolver, at: datetime) -> dict[str, Any] | None:
    """The credential in a valid VC-JWT (its JWT claims removed), or None if invalid or not valid `at`.

    `resolve_key(kid)` must return the raw public key only for a key the issuer lists (see
    `proofs.key_resolver`). A token that is not a compact JWS raises ProofError.
    """
    try:
        header = pyjwt.get_unverified_header(token)
    except pyjwt.DecodeError as error:
        raise ProofError(f"not a compact JWS: {error}") from None
    if (
        header.get("alg") != "EdDSA"
        or header.get("typ") != _HEADER_TYPE
        or not isinstance(header.get("kid"), str)
    ):
        raise ProofError(f"a VC-JWT here has alg EdDSA, typ {_HEADER_TYPE} and a kid; got {header}")
    public_key = resolve_key(header["kid"])
    if public_key is None or len(public_key) != 32:
        return None
    try:
        payload: dict[str, Any] = pyjwt.decode(
            token,
            Ed25519PublicKey.from_public_bytes(public_key),
            algorithms=["EdDSA"],
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "verify_aud": False},
        )
    except pyjwt.InvalidTokenError:
        return None
    credential = {key: value for key, value in payload.items() if key not in _CLAIMS}
    # The claims are signed copies of credential members: a mismatch means the token lies.
    if {key: payload.get(key) for key in _CLAIMS} != {
        key: _registered_claims(credential).get(key) for key in _CLAIMS
    }:
        return None
    moment = calendar.timegm(at.utctimetuple())
    if moment < payload["nbf"] or ("exp" in payload and moment >= payload["exp"]):
        return None
    return credential


def _registered_claims(credential: dict[str, Any]) -> dict[str, Any]:
    issuer = credential.get("issuer")
    claims: dict[str, Any] = {
        "iss": issuer.get("id") if isinstance(issuer, dict) else issuer,
        "jti": credential.get("id"),
        "nbf": _epoch(credential["validFrom"]),
    }
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    if credential.get("validUntil"):
        claims["exp"] = _epoch(credential["validUntil"])
    return claims


def _epoch(timestamp: str) -> int:
    return calendar.timegm(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).utctimetuple())
