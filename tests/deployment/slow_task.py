"""A slow task for the scale-out test, in a module both the test and the task workers import:
it says in a file when it starts and when it is done, with the worker's process id, and sleeps
in between (the test kills the worker then). Enqueued by `python -m tests.deployment.run slow`.
"""

import os
import time
from pathlib import Path

from django_tasks import task


def _say(path: str, what: str) -> None:
    with Path(path).open("a") as log:
        log.write(f"{what} {os.getpid()}\n")


@task()
def slow(path: str, seconds: float) -> int:
    _say(path, "started")
    time.sleep(seconds)
    _say(path, "done")
    return os.getpid()
