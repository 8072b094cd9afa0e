"""Cache upkeep only (no business logic): the working-time calendars cache the extra closures."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from bluelamp.workingtime.calendar import forget_calendars
from bluelamp.workingtime.models import ExtraClosure


@receiver(post_save, sender=ExtraClosure, dispatch_uid="workingtime.closure_saved")
@receiver(post_delete, sender=ExtraClosure, dispatch_uid="workingtime.closure_deleted")
def _closures_changed(**kwargs):
    forget_calendars()
    # Again after commit, in case another thread re-read the table before the change was visible.
    transaction.on_commit(forget_calendars)
