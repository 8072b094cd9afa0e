"""`bluelamp backup --to DIR`: an encrypted, consistent backup set of the database and the stored
files (docs/backups.md)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bluelamp.operations.backups.crypto import BackupError
from bluelamp.operations.backups.services import backup_create, backup_directory, backup_keep, backup_prune


class Command(BaseCommand):
    help = (
        "Back up the database and the stored files into one encrypted set in DIR (default BACKUP_DIR), "
        "with the key in BACKUP_KEY or BACKUP_KEY_FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, help="directory for the set (default: BACKUP_DIR)")
        parser.add_argument(
            "--prune", action="store_true", help="then keep only the newest BACKUP_KEEP sets (default 14)"
        )

    def handle(self, *args, **options):
        directory = options["to"] or backup_directory()
        if directory is None:
            raise CommandError("where to? Give --to DIR, or set BACKUP_DIR")
        try:
            path = backup_create(to=directory, log=self.stdout.write)
            if options["prune"]:
                for removed in backup_prune(directory=directory, keep=backup_keep()):
                    self.stdout.write(f"Removed {removed}")
        except BackupError as error:
            raise CommandError(f"backup failed: {error}") from error
        except OSError as error:
            raise CommandError(f"backup failed: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Backup set {path}"))
