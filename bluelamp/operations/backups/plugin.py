"""Backups' part of production operations (called by bluelamp.operations.plugins): the daily
backup, then its verification, run by `bluelamp run-daily` in that order."""

from bluelamp.core.plugins import register_jobs
from bluelamp.operations.backups import tasks


def register() -> None:
    register_jobs(frequency="daily", tasks=[tasks.backup_daily, tasks.backup_verify_daily])
