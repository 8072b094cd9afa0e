"""What the assignments applet adds to the site (registered by bluelamp/assessment/plugins.py), from
each of its parts: `part_core` and `part_marking` (each a module with `register()`)."""

from bluelamp.core.plugins import present_parts

PARTS = ("bluelamp.assessment.assignments.part_core", "bluelamp.assessment.assignments.part_marking")


def register() -> None:
    for part in present_parts(PARTS):
        part.register()
