"""Multibase base58btc ("z…"), the encoding of Multikey values and Data Integrity proof values.

Twenty lines of arithmetic do not earn a dependency; the alphabet is Bitcoin's, as the
Multibase specification requires.
"""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Base58btc without the multibase prefix; each leading zero byte becomes a "1"."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def b58decode(text: str) -> bytes:
    """The bytes of a base58btc string; ValueError names the first character outside the alphabet."""
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError(f"{char!r} is not a base58btc character")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def encode_z(data: bytes) -> str:
    """Multibase base58btc: "z" followed by base58btc."""
    return "z" + b58encode(data)


def decode_z(text: str) -> bytes:
    """The bytes of a multibase base58btc value; ValueError if it is not one."""
    if not text.startswith("z"):
        raise ValueError(f"multibase value {text[:12]!r}… is not base58btc (it must start with 'z')")
    return b58decode(text[1:])
