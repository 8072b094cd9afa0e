"""Service-desk records. Tickets come later; for now, the days the desk is unexpectedly closed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from bluelamp.servicedesk.working_time import bank_holiday_name


class ExtraClosure(models.Model):
    """A one-off day the service desk is closed on top of weekends and England & Wales bank
    holidays (say, a day of national mourning announced at short notice). SLA clocks stand still
    on it, as on a bank holiday.

    Personal data: `created_by`, the person who recorded the closure.
    """

    date = models.DateField(
        unique=True,
        help_text="A weekday that is not already a bank holiday.",
        error_messages={"unique": "There is already an extra closure on that date."},
    )
    reason = models.CharField(max_length=200, help_text="Shown to staff, e.g. “State funeral”.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date"]
        verbose_name = "extra closure"

    def __str__(self) -> str:
        return f"{self.date.isoformat()}: {self.reason}"

    def clean(self):
        if self.date is None:
            return
        if self.date.weekday() >= 5:
            raise ValidationError(
                {
                    "date": f"{self.date:%A} {self.date.day} {self.date:%B %Y} is a weekend day: the desk is closed anyway."
                }
            )
        name = bank_holiday_name(self.date)
        if name:
            raise ValidationError(
                {"date": f"{self.date.day} {self.date:%B %Y} is already a bank holiday ({name})."}
            )
