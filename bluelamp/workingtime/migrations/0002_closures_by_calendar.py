"""Extra closures get a table of their own name and a calendar (England and Wales for every
closure recorded so far); one closure per calendar and day."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workingtime", "0001_initial"),
        ("servicedesk", "0009_extra_closures_move_to_working_time"),
    ]

    operations = [
        migrations.AlterModelTable(name="extraclosure", table=None),
        migrations.AddField(
            model_name="extraclosure",
            name="calendar",
            field=models.CharField(
                choices=[
                    ("england-and-wales", "England and Wales"),
                    ("scotland", "Scotland"),
                    ("northern-ireland", "Northern Ireland"),
                ],
                default="england-and-wales",
                help_text="Whose working days the closure takes out.",
                max_length=40,
            ),
        ),
        migrations.AlterField(
            model_name="extraclosure",
            name="date",
            field=models.DateField(help_text="A weekday that is not already a bank holiday."),
        ),
        migrations.AddConstraint(
            model_name="extraclosure",
            constraint=models.UniqueConstraint(
                fields=("calendar", "date"),
                name="workingtime_one_closure_per_calendar_day",
                violation_error_message="There is already an extra closure on that date.",
            ),
        ),
    ]
