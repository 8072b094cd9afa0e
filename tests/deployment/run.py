"""What the scale-out test does inside the deployment, with its environment (production settings,
its database): `python -m tests.deployment.run seed EMAIL PASSWORD` makes the person it signs in
as; `python -m tests.deployment.run slow FILE SECONDS` enqueues the slow task and prints its id."""

import os
import sys


def main(command: str, *arguments: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if command == "seed":
        from tests.deployment.seed import seed

        email, password = arguments
        seed(email=email, password=password)
    elif command == "slow":
        from tests.deployment.slow_task import slow

        path, seconds = arguments
        print(slow.enqueue(path, float(seconds)).id)
    else:
        raise SystemExit(f"unknown command {command!r}: seed or slow")


if __name__ == "__main__":
    main(*sys.argv[1:])
