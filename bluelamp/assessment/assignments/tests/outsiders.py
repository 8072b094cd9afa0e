"""The outsider cases of the assignments applet's routes (see tests/test_every_url_has_an_outsider.py),
gathered from one module per part (`outsiders_core`, `outsiders_marking`: each a CASES dict and a
build(w))."""

import importlib

PARTS = ("core", "marking")


def _parts():
    for name in PARTS:
        module = f"bluelamp.assessment.assignments.tests.outsiders_{name}"
        try:
            yield importlib.import_module(module)
        except ModuleNotFoundError as missing:
            if missing.name != module:
                raise


CASES = {key: case for part in _parts() for key, case in part.CASES.items()}


def build(w) -> None:
    for part in _parts():
        part.build(w)
