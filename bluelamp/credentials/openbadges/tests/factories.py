"""Documents for the Open Badges tests, built through the library's own functions.

A fixed key pair (RFC 8032's first test vector) and fixed datetimes keep every signature the
same from run to run; a second "retired" key shows that rotation keeps old credentials valid.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bluelamp.credentials.openbadges import documents, keys, proofs, statuslist

PRIVATE = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
PUBLIC = keys.public_from_private(PRIVATE)
RETIRED_PRIVATE = bytes.fromhex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
RETIRED_PUBLIC = keys.public_from_private(RETIRED_PRIVATE)

ISSUER = "https://learn.example/credentials/issuers/kent"
KEY = f"{ISSUER}/keys/2"
RETIRED_KEY = f"{ISSUER}/keys/1"
ACHIEVEMENT = "https://learn.example/credentials/achievements/pace-code-c"
STATUS_LIST = f"{ISSUER}/status/1"
CREDENTIAL = "urn:uuid:5f0c7a52-56a4-4f4c-9d0a-5c3f2f3a9b11"

ISSUED = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
SIGNED = datetime(2026, 11, 30, 9, 16, 30, tzinfo=UTC)
CHECKED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def key_documents() -> dict[str, dict[str, Any]]:
    """The Multikey documents served at each key id, current and retired."""
    return {
        KEY: keys.multikey_document(ISSUER, KEY, PUBLIC),
        RETIRED_KEY: keys.multikey_document(ISSUER, RETIRED_KEY, RETIRED_PUBLIC),
    }


def profile(*, with_retired: bool = True) -> dict[str, Any]:
    methods = list(key_documents().values())
    return documents.issuer_profile(
        issuer_id=ISSUER,
        name="Kent Police",
        url="https://kent.police.example",
        email="learning@kent.police.example",
        image="https://learn.example/static/kent.png",
        description="Kent Police learning and development.",
        verification_methods=methods if with_retired else methods[:1],
    )


def achievement() -> dict[str, Any]:
    return documents.achievement(
        achievement_id=ACHIEVEMENT,
        name="PACE Code C: detention and questioning",
        description="Knows the rights of detained persons under PACE Code C.",
        criteria_narrative="Completed the course and passed its assessment (pass mark 80%).",
        achievement_type="Course",
        image="https://learn.example/static/badges/pace.png",
        creator=profile(),
    )


def credential(*, index: int = 7) -> dict[str, Any]:
    return documents.achievement_credential(
        credential_id=CREDENTIAL,
        issuer=profile(),
        achievement=achievement(),
        subject_id=None,
        subject_identifier=documents.identity_object("Bob.Officer@kent.police.example", "b2f5e0a1c3d4"),
        name="PACE Code C: detention and questioning",
        valid_from=ISSUED,
        valid_until=datetime(2029, 11, 30, tzinfo=UTC),
        status=documents.status_entry(list_credential_url=STATUS_LIST, index=index),
    )


def signed_credential(*, index: int = 7, private_key: bytes = PRIVATE, key_id: str = KEY) -> dict[str, Any]:
    return proofs.sign(
        credential(index=index), private_key=private_key, verification_method=key_id, created=SIGNED
    )


def signed_status_list(revoked: list[int]) -> dict[str, Any]:
    unsigned = documents.status_list_credential(
        list_id=STATUS_LIST, issuer_id=ISSUER, encoded_list=statuslist.encode(revoked), valid_from=ISSUED
    )
    return proofs.sign(unsigned, private_key=PRIVATE, verification_method=KEY, created=SIGNED)
