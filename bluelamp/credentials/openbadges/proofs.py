"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (https://www.w3.org/TR/vc-di-eddsa/).

The signature covers the RDF Dataset Canonicalization (RDFC-1.0, which pyld implements as
URDNA2015) of the document and of the proof options, so any verifier that canonicalises the
same JSON-LD the same way agrees with us, whatever key order or whitespace the JSON has.

Canonicalisation is strict, like Digital Bazaar's "safe mode": a property or type the
contexts do not define would otherwise be dropped silently and left unsigned, so it is an
error here. Contexts come only from the bundled files (see `contexts.py`); nothing is fetched.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from ._multibase import decode_z, encode_z
from .contexts import DATA_INTEGRITY_V2, VC_V2, ContextUnavailable, document_loader
from .documents import format_datetime
from .keys import public_from_multikey

__all__ = [
    "CRYPTOSUITE",
    "MAX_BLANK_NODES",
    "ProofError",
    "canonicalize",
    "key_resolver",
    "sign",
    "verify",
]

CRYPTOSUITE = "eddsa-rdfc-2022"
# Canonicalising a graph of many look-alike blank nodes takes time exponential in their
# number ("poison graphs"); our credentials have about ten, so a document with far more is
# refused before the expensive step.
MAX_BLANK_NODES = 100
_NQUADS = "application/n-quads"

KeyResolver = Callable[[str], bytes | None]


class ProofError(ValueError):
    """A document or proof that cannot be signed or checked at all (as opposed to a bad signature)."""


def sign(
    document: dict[str, Any],
    *,
    private_key: bytes,
    verification_method: str,
    created: datetime,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of `document` with an eddsa-rdfc-2022 DataIntegrityProof made with `private_key`."""
    if "proof" in document:
        raise ProofError("the document already has a proof; sign the unsigned document")
    _check_contexts(document)
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": format_datetime(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    signer = Ed25519PrivateKey.from_private_bytes(_key_bytes(private_key))
    signature = signer.sign(_hash_data(document, options))
    return {**document, "proof": {**options, "proofValue": encode_z(signature)}}


def verify(
    document: dict[str, Any],
    *,
    resolve_key: KeyResolver,
    proof_purpose: str = "assertionMethod",
    at: datetime | None = None,
) -> bool:
    """Whether the document's eddsa-rdfc-2022 proof is valid under the key `resolve_key` returns.

    `resolve_key(verification_method)` must return the raw public key only if that method
    may make assertions for the document's issuer (see `key_resolver`), else None (→ False).
    A proof for another purpose, or past its `expires` at `at`, is False. A document with no
    proof, or one this module cannot check at all, raises ProofError.
    """
    proof = document.get("proof")
    if proof is None:
        raise ProofError("the document has no proof")
    if not isinstance(proof, dict):
        raise ProofError(
            "the document has several proofs or a malformed one; exactly one proof object is supported"
        )
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            f"proof type {proof.get('type')!r} with cryptosuite {proof.get('cryptosuite')!r} is not supported; "
            f"only DataIntegrityProof with {CRYPTOSUITE}"
        )
    for field in ("created", "verificationMethod", "proofPurpose", "proofValue"):
        if not isinstance(proof.get(field), str):
            raise ProofError(f"the proof has no {field}")
    if "@context" in proof and not _context_starts_with(document.get("@context"), proof["@context"]):
        return False
    if proof["proofPurpose"] != proof_purpose:
        return False
    if at is not None and "expires" in proof and format_datetime(at) > str(proof["expires"]):
        return False
    try:
        signature = decode_z(proof["proofValue"])
    except ValueError as error:
        raise ProofError(f"proofValue is not multibase base58btc: {error}") from None
    public_key = resolve_key(proof["verificationMethod"])
    if public_key is None or len(signature) != 64 or len(public_key) != 32:
        return False
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    options = {key: value for key, value in proof.items() if key not in ("proofValue", "@context")}
    data = _hash_data(unsecured, options)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except InvalidSignature:
        return False
    return True


def key_resolver(
    controller_document: Mapping[str, Any], *, proof_purpose: str = "assertionMethod"
) -> KeyResolver:
    """A `resolve_key` answering only for keys the controller document (issuer profile) lists for the purpose.

    The caller must first check that the document is the one hosted at the credential's
    issuer id; this function trusts it as given.
    """
    controller = controller_document.get("id")
    allowed = set(_ids(controller_document.get(proof_purpose)))
    methods: dict[str, bytes] = {}
    for method in controller_document.get("verificationMethod") or []:
        if (
            isinstance(method, dict)
            and method.get("id") in allowed
            and method.get("controller") == controller
            and method.get("type") == "Multikey"
        ):
            try:
                methods[method["id"]] = public_from_multikey(str(method.get("publicKeyMultibase", "")))
            except ValueError:
                continue
    return methods.get


def canonicalize(
    document: Mapping[str, Any], *, documents: Mapping[str, Mapping[str, Any]] | None = None
) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document, loading contexts only from the bundle.

    Raises ProofError for a term or type the contexts do not define, or for a graph with more
    than MAX_BLANK_NODES blank nodes.
    """
    dropped: list[str | None] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    options = {"documentLoader": document_loader(documents), "base": None, "safe": True}
    try:
        expanded = processor.expand(dict(document), options)
        if dropped:
            names = ", ".join(sorted(repr(name) for name in dropped))
            raise ProofError(f"the contexts do not define {names}; such properties would be left unsigned")
        _check_absolute(expanded)
        nquads = processor.to_rdf(expanded, {**options, "format": _NQUADS})
    except ContextUnavailable as error:
        raise ProofError(str(error)) from None
    except jsonld.JsonLdError as error:
        cause = _root_cause(error)
        if isinstance(cause, ContextUnavailable):
            raise ProofError(str(cause)) from None
        raise ProofError(f"the document is not valid JSON-LD: {cause}") from None
    blank_nodes = {term for line in nquads.splitlines() for term in line.split() if term.startswith("_:")}
    if len(blank_nodes) > MAX_BLANK_NODES:
        raise ProofError(
            f"the document has {len(blank_nodes)} blank nodes; at most {MAX_BLANK_NODES} are canonicalised"
        )
    canonical = jsonld.normalize(
        nquads, {"algorithm": "URDNA2015", "inputFormat": _NQUADS, "format": _NQUADS}
    )
    return str(canonical)


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """sha256(canonical proof options) ‖ sha256(canonical document), as the cryptosuite specifies."""
    _check_contexts(document)
    proof_config = {"@context": document["@context"], **proof_options}
    return (
        hashlib.sha256(canonicalize(proof_config).encode("utf-8")).digest()
        + hashlib.sha256(canonicalize(document).encode("utf-8")).digest()
    )


def _check_contexts(document: Mapping[str, Any]) -> None:
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if VC_V2 not in contexts and DATA_INTEGRITY_V2 not in contexts:
        raise ProofError(
            f"the document's @context must include {VC_V2} or {DATA_INTEGRITY_V2} to define its proof's terms"
        )


def _context_starts_with(document_context: Any, proof_context: Any) -> bool:
    document_list = document_context if isinstance(document_context, list) else [document_context]
    proof_list = proof_context if isinstance(proof_context, list) else [proof_context]
    return document_list[: len(proof_list)] == proof_list


def _check_absolute(node: Any) -> None:
    """Refuse ids and types that stayed relative IRIs (undefined terms): RDF would drop them unsigned."""
    if isinstance(node, list):
        for item in node:
            _check_absolute(item)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "@value":
            continue
        if key in ("@id", "@type"):
            for iri in value if isinstance(value, list) else [value]:
                if isinstance(iri, str) and not (iri.startswith("_:") or ":" in iri):
                    raise ProofError(
                        f"{key[1:]} {iri!r} is not defined by the contexts (it is not an absolute IRI)"
                    )
        else:
            _check_absolute(value)


def _ids(values: Any) -> list[str]:
    items = values if isinstance(values, list) else [values] if values else []
    ids = [item.get("id") if isinstance(item, dict) else item for item in items]
    return [item for item in ids if isinstance(item, str)]


def _key_bytes(private_key: bytes) -> bytes:
    if not isinstance(private_key, bytes) or len(private_key) != 32:
        raise ProofError("the private key must be 32 raw bytes")
    return private_key


def _root_cause(error: BaseException) -> BaseException:
    seen = error
    while seen.__cause__ is not None:
        seen = seen.__cause__
    details = getattr(seen, "details", None)
    if isinstance(details, dict) and isinstance(details.get("cause"), BaseException):
        return _root_cause(details["cause"])
    return seen
