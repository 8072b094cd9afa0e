"""W3C Bitstring Status List v1.0: the compressed bit list a status list credential carries.

Bit `i` is the status of the credential whose `statusListIndex` is `i`; for revocation a
set bit means revoked. Lists are at least 131,072 bits (16 KiB) so that one credential's
index tells an observer little about who is being checked (the spec's herd privacy).
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable

__all__ = ["MIN_LENGTH", "StatusListError", "decode", "encode", "is_set"]

MIN_LENGTH = 131_072
# A decoded list larger than this is refused rather than inflated (a gzip bomb from a
# third-party status list must not exhaust memory): 16 MiB is 128 million credentials.
_MAX_DECODED_BYTES = 16 * 1024 * 1024


class StatusListError(ValueError):
    """An encoded list that cannot be decoded, or an index outside the list."""


def encode(revoked: Iterable[int], *, length: int = MIN_LENGTH) -> str:
    """The `encodedList` for a list of `length` bits with the given indexes set ("u" + base64url(gzip))."""
    if length < MIN_LENGTH or length % 8:
        raise StatusListError(
            f"a status list is at least {MIN_LENGTH} bits and a whole number of bytes; got length={length}"
        )
    bits = bytearray(length // 8)
    for index in revoked:
        if not 0 <= index < length:
            raise StatusListError(f"index {index} is outside a status list of {length} bits (0–{length - 1})")
        bits[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the output a function of the bits alone (same list, same bytes, same ETag).
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    """The uncompressed bitstring of an `encodedList` (bit 0 is the left-most bit of byte 0)."""
    if not encoded.startswith("u"):
        raise StatusListError("an encodedList is multibase base64url and must start with 'u'")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as error:
        raise StatusListError(f"encodedList is not base64url: {error}") from None
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip framing only
    try:
        bits = inflater.decompress(compressed, _MAX_DECODED_BYTES)
    except zlib.error as error:
        raise StatusListError(f"encodedList is not GZIP-compressed: {error}") from None
    if inflater.unconsumed_tail:
        raise StatusListError(f"encodedList inflates to more than {_MAX_DECODED_BYTES} bytes; refused")
    if not inflater.eof:
        raise StatusListError("encodedList is a truncated GZIP stream")
    if len(bits) * 8 < MIN_LENGTH:
        raise StatusListError(f"a status list is at least {MIN_LENGTH} bits; this one has {len(bits) * 8}")
    return bits


def is_set(encoded: str, index: int) -> bool:
    """Whether bit `index` is set in an `encodedList` (for revocation: whether it is revoked)."""
    bits = decode(encoded)
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"index {index} is outside a status list of {len(bits) * 8} bits")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
