"""Extra closures move from the service desk to working time (a foundation service).

The table the desk created (servicedesk_extraclosure) is taken over as it is: this migration only
tells Django's state that the model now lives here; 0002 renames the table and keys closures by
calendar. servicedesk 0009 removes the model from the desk's state."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("servicedesk", "0008_satisfaction_survey"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExtraClosure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "date",
                            models.DateField(
                                error_messages={"unique": "There is already an extra closure on that date."},
                                help_text="A weekday that is not already a bank holiday.",
                                unique=True,
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(
                                help_text="Shown to staff, e.g. “State funeral”.", max_length=200
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, editable=False),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "extra closure",
                        "ordering": ["date"],
                        "db_table": "servicedesk_extraclosure",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
