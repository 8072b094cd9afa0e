"""The `bluelamp` console script: Django's management commands for operators.

`bluelamp import-people FILE --org SLUG` is `manage.py import-people ...`; `bluelamp` alone lists
the commands.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["bluelamp", *sys.argv[1:]])


if __name__ == "__main__":
    main()
