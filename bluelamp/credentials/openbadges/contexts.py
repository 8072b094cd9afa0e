"""The JSON-LD contexts Open Badges documents use, served offline to the canonicaliser.

Signing and verifying canonicalise documents with JSON-LD, which would otherwise fetch each
`@context` URL from the network: slow, a privacy leak, and a way for whoever serves a
context to change what a signature means. The contexts come from npm packages and are
written into `contexts/` by the front-end build (`frontend/build.mjs` holds the same table);
any other URL is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "CONTEXTS_DIR",
    "CONTEXT_FILES",
    "DATA_INTEGRITY_V2",
    "MULTIKEY_V1",
    "OB_V3P0",
    "VC_V2",
    "ContextUnavailable",
    "document_loader",
    "load_context",
]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"

CONTEXT_FILES: dict[str, str] = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3P0: "ob-v3p0-context-3.0.3.json",
    MULTIKEY_V1: "multikey-v1.jsonld",
    DATA_INTEGRITY_V2: "data-integrity-v2.jsonld",
}
CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

DocumentLoader = Callable[[str, Any], dict[str, Any]]


class ContextUnavailable(LookupError):
    """A document or context that the offline loader does not hold (it never fetches one)."""


def load_context(url: str) -> dict[str, Any]:
    """The bundled JSON-LD context document for `url`; ContextUnavailable says how to get it."""
    file_name = CONTEXT_FILES.get(url)
    if file_name is None:
        raise ContextUnavailable(
            f"JSON-LD context {url!r} is not bundled; documents may use only {', '.join(CONTEXT_FILES)}"
        )
    return _read(CONTEXTS_DIR / file_name, url)


def document_loader(documents: Mapping[str, Mapping[str, Any]] | None = None) -> DocumentLoader:
    """A pyld document loader serving the bundled contexts, plus `documents` (URL → JSON) if given."""
    extra = dict(documents or {})

    def load(url: str, options: Any = None) -> dict[str, Any]:
        document = extra[url] if url in extra else load_context(url)
        return {"contextUrl": None, "documentUrl": url, "document": document}

    return load


@cache
def _read(path: Path, url: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContextUnavailable(
            f"the JSON-LD context for {url} is missing: {path} does not exist. "
            "It is built from npm packages; run `npm ci && npm run build` in the repository root."
        ) from None
    document = json.loads(text)
    if not isinstance(document, dict) or "@context" not in document:
        raise ContextUnavailable(f"{path} is not a JSON-LD context document (no '@context'); rebuild it")
    return document
