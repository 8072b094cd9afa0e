"""Ed25519 keys for signing Open Badges, and their Multikey forms (W3C Controlled Identifiers).

Keys travel as raw 32-byte strings so the caller decides how to store them (encrypted at
rest, one row per key, retired keys kept for verification); nothing here logs or prints
a private key.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ._multibase import decode_z, encode_z

__all__ = [
    "MULTIKEY_CONTEXT",
    "generate_ed25519",
    "multikey_document",
    "public_from_multikey",
    "public_from_private",
    "public_multikey",
    "secret_multikey",
]

MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
# Multicodec prefixes (unsigned varints): ed25519-pub 0xed, ed25519-priv 0x1300.
_ED25519_PUB = b"\xed\x01"
_ED25519_PRIV = b"\x80\x26"


def generate_ed25519() -> tuple[bytes, bytes]:
    """A new key pair as (private key, public key), 32 raw bytes each."""
    private_key = Ed25519PrivateKey.generate()
    return _raw_private(private_key), _raw_public(private_key)


def public_from_private(private: bytes) -> bytes:
    """The public key belonging to a raw private key (to check a stored pair still matches)."""
    return _raw_public(Ed25519PrivateKey.from_private_bytes(_checked(private, "private")))


def public_multikey(public: bytes) -> str:
    """The Multikey `publicKeyMultibase` of a raw public key ("z6Mk…")."""
    return encode_z(_ED25519_PUB + _checked(public, "public"))


def secret_multikey(private: bytes) -> str:
    """The Multikey `secretKeyMultibase` of a raw private key ("z3u2…"); treat it as the key itself."""
    return encode_z(_ED25519_PRIV + _checked(private, "private"))


def public_from_multikey(value: str) -> bytes:
    """The raw public key in a `publicKeyMultibase`; ValueError if it is not an Ed25519 Multikey."""
    decoded = decode_z(value)
    if not decoded.startswith(_ED25519_PUB) or len(decoded) != 34:
        raise ValueError(f"publicKeyMultibase {value[:12]!r}… is not an Ed25519 public key (z6Mk…)")
    return decoded[2:]


def multikey_document(controller: str, key_id: str, public: bytes) -> dict[str, Any]:
    """The verification method document for one key, to serve at `key_id` (verifiers fetch it)."""
    return {
        "@context": MULTIKEY_CONTEXT,
        "id": key_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public_multikey(public),
    }


def _checked(key: bytes, kind: str) -> bytes:
    if not isinstance(key, bytes):
        raise TypeError(f"an Ed25519 {kind} key is 32 raw bytes, not {type(key).__name__}")
    if len(key) != 32:
        raise ValueError(f"an Ed25519 {kind} key is 32 raw bytes, not {len(key)}")
    return key


def _raw_private(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
