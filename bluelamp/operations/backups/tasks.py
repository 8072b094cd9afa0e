"""The daily backup jobs (Django's Tasks API), registered by plugin.register(): a set with
retention, then a verification of the latest set in a scratch database."""

from django_tasks import task

from bluelamp.operations.backups import services


@task()
def backup_daily() -> str:
    return services.backup_scheduled()


@task()
def backup_verify_daily() -> str:
    return services.verify_scheduled()
