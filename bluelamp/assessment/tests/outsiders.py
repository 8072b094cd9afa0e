"""The outsider case of assessment's landing page (each applet keeps its own routes' cases in
its tests/outsiders.py)."""

from tests.test_every_url_has_an_outsider import OWN, Case

CASES = {
    "assessment/": Case(
        lambda w: "/assessment/",
        OWN,
        why="links to the assessment pages the reader may use (banks, marking, gradebooks); none of Kent's data",
    ),
}


def build(w) -> None:
    pass
