"""Cache upkeep only (no business logic): the working-time calendar caches the extra closures."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bluelamp.servicedesk.models import ExtraClosure
from bluelamp.servicedesk.working_time import forget_default_calendar


@receiver(post_save, sender=ExtraClosure, dispatch_uid="servicedesk.closure_saved")
@receiver(post_delete, sender=ExtraClosure, dispatch_uid="servicedesk.closure_deleted")
def _closures_changed(**kwargs):
    forget_default_calendar()
    # Again after commit, in case another thread re-read the table before the change was visible.
    transaction.on_commit(forget_default_calendar)
