"""What the assignments applet adds to the site (registered by bluelamp/assessment/plugins.py), from
each of its parts: `part_core` and `part_marking` (each a module with `register()`)."""

import importlib

PARTS = ("bluelamp.assessment.assignments.part_core", "bluelamp.assessment.assignments.part_marking")


def register() -> None:
    for name in PARTS:
        try:
            part = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        part.register()
