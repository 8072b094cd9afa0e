"""`bluelamp restore FROM`: a backup set into an empty database and storage, checked table by
table against its manifest; `--verify` only checks it, in a scratch database (docs/backups.md)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bluelamp.operations.backups.crypto import BackupError
from bluelamp.operations.backups.services import backup_restore, backup_verify


class Command(BaseCommand):
    help = (
        "Restore a backup set (a bluelamp-backup-… directory) into an EMPTY database and storage, "
        "then compare row counts and checksums with its manifest. The key: BACKUP_KEY or BACKUP_KEY_FILE."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, metavar="FROM", help="the backup set's directory")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="restore into a scratch database instead, compare, print the report as JSON, and drop it",
        )

    def handle(self, *args, **options):
        source = options["source"]
        if not source.is_dir():
            raise CommandError(f"{source}: no such backup set (give its bluelamp-backup-… directory)")
        try:
            if options["verify"]:
                report = backup_verify(source, log=self.stderr.write)
                self.stdout.write(json.dumps(report, indent=1, sort_keys=True))
                if not report["ok"]:
                    raise CommandError(f"verification failed: {'; '.join(report['problems'])}")
                return
            comparison = backup_restore(source, log=self.stdout.write)
        except (BackupError, OSError) as error:
            raise CommandError(f"restore failed: {error}") from error
        if not comparison.ok:
            raise CommandError(
                "restored, but it does not match the backup: " + "; ".join(comparison.problems)
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: {len(comparison.tables)} tables match the backup's row counts and checksums"
                ", every file its sha256"
            )
        )
