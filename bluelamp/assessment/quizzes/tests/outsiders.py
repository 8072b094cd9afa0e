"""The outsider cases of the quizzes applet's routes (see tests/test_every_url_has_an_outsider.py),
gathered from one module per part (`outsiders_core`, `outsiders_results`: each a CASES dict and a
build(w))."""

from bluelamp.core.plugins import present_parts

PARTS = tuple(f"bluelamp.assessment.quizzes.tests.outsiders_{name}" for name in ("core", "results"))
CASES = {key: case for part in present_parts(PARTS) for key, case in part.CASES.items()}


def build(w) -> None:
    for part in present_parts(PARTS):
        part.build(w)
