"""Our credentials checked by an independent implementation, and theirs by ours.

verify.mjs runs Digital Bazaar's @digitalbazaar/vc with the eddsa-rdfc-2022 cryptosuite and
@digitalbazaar/vc-bitstring-status-list (npm devDependencies), offline, with the issuer
profile, key documents and status list passed to it as a verifier would fetch them.
"""

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from bluelamp.credentials.openbadges import keys, proofs, statuslist

from . import factories as f

ROOT = Path(__file__).resolve().parents[4]
SCRIPT = Path(__file__).with_name("verify.mjs")
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed: the independent verifier cannot run"),
    pytest.mark.skipif(
        not (ROOT / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
        reason="node_modules/@digitalbazaar/vc is absent: run `npm ci` for the independent verifier",
    ),
]
NOW = "2026-12-01T12:00:00Z"  # the verifier's clock, fixed (f.CHECKED)


def node(request: dict[str, Any]) -> dict[str, Any]:
    assert NODE is not None
    completed = subprocess.run(
        [NODE, str(SCRIPT)],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def hosted(*, revoked: list[int], with_retired: bool = True) -> dict[str, Any]:
    """What a verifier fetches: the issuer profile, its key documents and the status list."""
    return {
        f.ISSUER: f.profile(with_retired=with_retired),
        **f.key_documents(),
        f.STATUS_LIST: f.signed_status_list(revoked),
    }


def node_verify(
    credential: dict[str, Any], documents: dict[str, Any], *, check_status: bool = True
) -> dict[str, Any]:
    return node(
        {
            "command": "verify",
            "credential": credential,
            "documents": documents,
            "now": NOW,
            "checkStatus": check_status,
        }
    )


def test_our_credential_and_status_list_verify_independently():
    result = node_verify(f.signed_credential(index=7), hosted(revoked=[3]))
    assert result["verified"] is True, result["error"]
    assert result["status"] == {"verified": True, "revoked": False, "error": None}


def test_a_revoked_credential_is_revoked_for_the_independent_verifier():
    result = node_verify(f.signed_credential(index=7), hosted(revoked=[3, 7]))
    assert result["status"]["revoked"] is True


def test_one_changed_character_of_the_subject_fails_both_verifiers():
    tampered = copy.deepcopy(f.signed_credential())
    tampered["credentialSubject"]["achievement"]["name"] = "PACE Code C: detention and questioninG"
    result = node_verify(tampered, hosted(revoked=[]))
    assert result["verified"] is False
    assert "Invalid signature." in json.dumps(result["error"])
    assert not proofs.verify(tampered, resolve_key=proofs.key_resolver(f.profile()))


def test_a_retired_key_verifies_while_the_profile_lists_it():
    old = f.signed_credential(private_key=f.RETIRED_PRIVATE, key_id=f.RETIRED_KEY)
    assert node_verify(old, hosted(revoked=[]))["verified"] is True
    refused = node_verify(old, hosted(revoked=[], with_retired=False))
    assert refused["verified"] is False
    assert "not authorized by controller" in json.dumps(refused["error"])


def test_a_credential_signed_by_the_node_library_verifies_with_ours_and_matches_our_proof():
    key = {
        **keys.multikey_document(f.ISSUER, f.KEY, f.PUBLIC),
        "secretKeyMultibase": keys.secret_multikey(f.PRIVATE),
    }
    result = node(
        {
            "command": "sign",
            "credential": f.credential(),
            "documents": hosted(revoked=[]),
            "key": key,
            "created": "2026-11-30T09:16:30Z",
        }
    )
    theirs = result["credential"]
    assert proofs.verify(theirs, resolve_key=proofs.key_resolver(f.profile()))
    # Ed25519 is deterministic: the same canonical bytes give the very same signature.
    assert theirs["proof"] == f.signed_credential()["proof"]


@pytest.mark.parametrize("index", [0, 7, 8, 131071])
def test_status_lists_agree_bit_for_bit(index):
    ours = statuslist.encode([index])
    decoded = node({"command": "decode-status", "encodedList": ours, "indexes": [0, 7, 8, 131071]})
    assert decoded["length"] == 131072
    assert decoded["set"] == [candidate == index for candidate in (0, 7, 8, 131071)]
    theirs = node({"command": "encode-status", "length": 131072, "indexes": [index]})["encodedList"]
    assert statuslist.decode(theirs) == statuslist.decode(ours)
    assert statuslist.is_set(theirs, index)
