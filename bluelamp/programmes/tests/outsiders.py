"""The outsider cases of programmes' routes (see tests/test_every_url_has_an_outsider.py),
gathered from one module per part of the domain (each owns its routes' cases)."""

from bluelamp.core.plugins import present_parts

PARTS = tuple(
    f"bluelamp.programmes.tests.outsiders_{name}"
    for name in ("learner", "tutor", "structure", "places", "api")
)
CASES = {key: case for part in present_parts(PARTS) for key, case in part.CASES.items()}


def build(w) -> None:
    for part in present_parts(PARTS):
        part.build(w)
