"""bluelamp import-scorm PACKAGE.zip --org SLUG --course CODE [--title TITLE]

Creates the course from a SCORM package, or gives an existing course a new version made of it;
published either way. Prints the course code and the version ("SAS-01 version 2") and exits 0.

Exit 1 when the package is refused, with each reason on stderr; exit 2 when the arguments are
wrong (no such file, organisation or course code). Either way nothing is stored: no course,
version, package row or unpacked file.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from bluelamp.learning.api import PackageError, course_import_scorm
from bluelamp.organisations.api import Organisation

USAGE_ERROR = 2
PACKAGE_REFUSED = 1


class Command(BaseCommand):
    help = "Create or version a course from a SCORM package (.zip) and publish it."

    def add_arguments(self, parser):
        parser.add_argument("package", help="the SCORM package, a .zip with imsmanifest.xml at its top level")
        parser.add_argument("--org", required=True, help="slug of the owner organisation, e.g. national")
        parser.add_argument("--course", required=True, help="course code, e.g. SAS-01")
        parser.add_argument("--title", default="", help="title of a new course (default: the package's)")

    def handle(self, *args, package, org, course, title, **options):
        path = Path(package)
        if not path.is_file():
            raise CommandError(f"No such file: {package}", returncode=USAGE_ERROR)
        owner = Organisation.objects.filter(slug=org).first()
        if owner is None:
            raise CommandError(
                f"No organisation with slug “{org}”. See `bluelamp list-organisations`.",
                returncode=USAGE_ERROR,
            )
        try:
            with path.open("rb") as upload:
                imported, version = course_import_scorm(
                    actor=None, owner=owner, code=course, upload=upload, file_name=path.name, title=title
                )
        except PackageError as error:
            self.stderr.write(f"{path.name}: the package was refused; nothing was stored.")
            for message in error.messages:
                self.stderr.write(f"  {message}")
            raise SystemExit(PACKAGE_REFUSED) from None
        except ValidationError as error:
            # The code or the owner is not acceptable (e.g. no PL-P-101 licence in force).
            raise CommandError(" ".join(error.messages), returncode=USAGE_ERROR) from None
        self.stdout.write(f"{imported.code} version {version.number}")
        if imported.status != imported.Status.PUBLISHED:
            self.stderr.write(
                f"Note: {imported.code} is {imported.get_status_display().lower()}; "
                "learners will not see it until it is published again."
            )
