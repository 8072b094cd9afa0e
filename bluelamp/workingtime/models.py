"""Extra closures: days a calendar is closed on top of weekends and bank holidays."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from bluelamp.workingtime.calendar import CALENDARS, DEFAULT_CALENDAR, Calendar


class ExtraClosure(models.Model):
    """A one-off day a calendar is closed on top of weekends and its bank holidays (say, a day
    of national mourning announced at short notice). Working-time clocks (SLA targets, due dates)
    stand still on it, as on a bank holiday.

    Personal data: `created_by`, the person who recorded the closure.
    """

    calendar = models.CharField(
        max_length=40,
        choices=[(name, label) for name, (label, _) in CALENDARS.items()],
        default=DEFAULT_CALENDAR,
        help_text="Whose working days the closure takes out.",
    )
    date = models.DateField(help_text="A weekday that is not already a bank holiday.")
    reason = models.CharField(max_length=200, help_text="Shown to staff, e.g. “State funeral”.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["date"]
        verbose_name = "extra closure"
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="workingtime_one_closure_per_calendar_day",
                violation_error_message="There is already an extra closure on that date.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()}: {self.reason}"

    def clean(self):
        if self.date is None:
            return
        if self.date.weekday() >= 5:
            raise ValidationError(
                {
                    "date": f"{self.date:%A} {self.date.day} {self.date:%B %Y} is a weekend day: "
                    "the desk is closed anyway."
                }
            )
        name = Calendar(
            name=self.calendar if self.calendar in CALENDARS else DEFAULT_CALENDAR
        ).bank_holiday_name(self.date)
        if name:
            raise ValidationError(
                {"date": f"{self.date.day} {self.date:%B %Y} is already a bank holiday ({name})."}
            )
