"""The outsider cases of mandatory training's routes (see tests/test_every_url_has_an_outsider.py),
gathered from one module per part of the domain (each owns its routes' cases)."""

import importlib

PARTS = ("requirements", "people", "reports", "schedules", "api")


def _parts():
    for name in PARTS:
        try:
            yield importlib.import_module(f"bluelamp.compliance.tests.outsiders_{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"bluelamp.compliance.tests.outsiders_{name}":
                raise


CASES = {key: case for part in _parts() for key, case in part.CASES.items()}


def build(w) -> None:
    for part in _parts():
        part.build(w)
