"""The outsider cases of certificates' routes (see tests/test_every_url_has_an_outsider.py),
gathered from one module per part (each owns its routes' cases)."""

from bluelamp.core.plugins import present_parts

PARTS = tuple(f"bluelamp.credentials.tests.outsiders_{name}" for name in ("pages", "public"))
CASES = {key: case for part in present_parts(PARTS) for key, case in part.CASES.items()}


def build(w) -> None:
    for part in present_parts(PARTS):
        part.build(w)
