"""The core part of quizzes (setting a quiz up as a course activity, taking it, automatic marking,
grades and completion): what it adds to the site, registered by quizzes/plugin.py."""


def register() -> None:
    pass
