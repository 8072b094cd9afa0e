"""What the quizzes applet adds to the site (registered by bluelamp/assessment/plugins.py), from
each of its parts: `part_core` and `part_results` (each a module with `register()`)."""

import importlib

PARTS = ("bluelamp.assessment.quizzes.part_core", "bluelamp.assessment.quizzes.part_results")


def register() -> None:
    for name in PARTS:
        try:
            part = importlib.import_module(name)
        except ModuleNotFoundError as missing:
            if missing.name != name:
                raise
            continue
        part.register()
