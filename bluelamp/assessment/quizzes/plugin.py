"""What the quizzes applet adds to the site (registered by bluelamp/assessment/plugins.py), from
each of its parts: `part_core` and `part_results` (each a module with `register()`)."""

from bluelamp.core.plugins import present_parts

PARTS = ("bluelamp.assessment.quizzes.part_core", "bluelamp.assessment.quizzes.part_results")


def register() -> None:
    for part in present_parts(PARTS):
        part.register()
