"""Ed25519 keys and their Multikey forms."""

import pytest

from bluelamp.credentials.openbadges import keys
from bluelamp.credentials.openbadges._multibase import b58decode, b58encode, decode_z

# RFC 8032 section 7.1, test 1: a published key pair, so the encodings are checked against
# values that do not come from our own code.
RFC8032_PRIVATE = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")


def test_generated_pair_is_32_bytes_each_and_belongs_together():
    private, public = keys.generate_ed25519()
    assert len(private) == 32 and len(public) == 32
    assert keys.public_from_private(private) == public
    assert keys.generate_ed25519()[0] != private


def test_public_multikey_is_z6mk_and_round_trips():
    value = keys.public_multikey(RFC8032_PUBLIC)
    assert value.startswith("z6Mk")
    assert decode_z(value)[:2] == b"\xed\x01"
    assert keys.public_from_multikey(value) == RFC8032_PUBLIC


def test_secret_multikey_has_the_ed25519_priv_prefix():
    value = keys.secret_multikey(RFC8032_PRIVATE)
    assert value.startswith("z3u2")
    assert decode_z(value) == b"\x80\x26" + RFC8032_PRIVATE


def test_multikey_document_names_its_controller():
    document = keys.multikey_document(
        "https://lms.example/issuers/1", "https://lms.example/keys/1", RFC8032_PUBLIC
    )
    assert document == {
        "@context": "https://w3id.org/security/multikey/v1",
        "id": "https://lms.example/keys/1",
        "type": "Multikey",
        "controller": "https://lms.example/issuers/1",
        "publicKeyMultibase": keys.public_multikey(RFC8032_PUBLIC),
    }


def test_wrong_sized_keys_are_refused_by_name():
    with pytest.raises(ValueError, match="public key is 32 raw bytes, not 31"):
        keys.public_multikey(b"\0" * 31)
    with pytest.raises(TypeError, match="private key is 32 raw bytes, not str"):
        keys.secret_multikey("secret")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="not an Ed25519 public key"):
        keys.public_from_multikey(keys.secret_multikey(RFC8032_PRIVATE))


def test_base58_matches_known_vectors_and_keeps_leading_zeros():
    # Vectors from the IETF base58 draft (draft-msporny-base58).
    assert b58encode(b"Hello World!") == "2NEpo7TZRRrLZSi2U"
    assert b58encode(b"\0\0\x28\x7f\xb4\xcd") == "11233QC4"
    assert b58decode("11233QC4") == b"\0\0\x28\x7f\xb4\xcd"
    assert b58encode(b"") == "" and b58decode("") == b""
    with pytest.raises(ValueError, match="'0' is not a base58btc character"):
        b58decode("10")
