"""Certificate codes: twelve characters of Crockford's base32 (no I, L, O or U), printed in three
groups (7K3M-9QXP-2TRW): 60 random bits, too many to guess, short enough to read out or type.
What a person types is forgiven the usual slips: case, spaces, missing hyphens, O for 0, I or L
for 1."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
_SLIPS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def normalise(typed: str) -> str | None:
    """The code as stored, or None when what was typed cannot be one."""
    raw = "".join(typed.split()).replace("-", "").upper().translate(_SLIPS)
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"
