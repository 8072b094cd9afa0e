"""What assessment adds to the site (registered by AssessmentConfig.ready(); see
bluelamp/core/plugins.py). Each applet registers its own part in its `plugin.py`: its activity
kind (learning's kinds.py), pages' links, jobs, REST API routes, notification kinds and demo
data."""

import importlib

APPLETS = ("banks", "gradebook", "quizzes", "assignments")


def register() -> None:
    for applet in APPLETS:
        importlib.import_module(f"bluelamp.assessment.{applet}.plugin").register()
    importlib.import_module("bluelamp.assessment.web.home").register()
    importlib.import_module("bluelamp.assessment.demo").register()
    importlib.import_module("bluelamp.assessment.upcoming").register()  # people's upcoming tasks
