# The satisfaction survey on resolution (survey.models), and the timeline's "type changed" event.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0007_ticket_search_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="ticketevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Logged"),
                    ("reply", "Reply to the requester"),
                    ("customer_reply", "Reply from the requester"),
                    ("note", "Internal note"),
                    ("status", "Status changed"),
                    ("priority", "Priority changed"),
                    ("escalation", "Escalated"),
                    ("deescalation", "De-escalated"),
                    ("assignment", "Assigned"),
                    ("type", "Type changed"),
                ],
                max_length=20,
            ),
        ),
        migrations.CreateModel(
            name="SatisfactionResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "score",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (5, "Very satisfied"),
                            (4, "Satisfied"),
                            (3, "Neither satisfied nor dissatisfied"),
                            (2, "Dissatisfied"),
                            (1, "Very dissatisfied"),
                        ],
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                    ),
                ),
                (
                    "solved",
                    models.BooleanField(help_text="Whether the requester says their problem was solved."),
                ),
                ("comment", models.TextField(blank=True, max_length=2000)),
                (
                    "via",
                    models.CharField(
                        choices=[
                            ("web", "Their ticket page (signed in)"),
                            ("email_link", "The link in the resolution e-mail"),
                        ],
                        max_length=20,
                    ),
                ),
                ("submitted_at", models.DateTimeField(db_index=True)),
                (
                    "respondent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ticket",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="satisfaction_response",
                        to="servicedesk.ticket",
                    ),
                ),
            ],
            options={
                "verbose_name": "satisfaction survey response",
                "ordering": ["-submitted_at"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("score__gte", 1), ("score__lte", 5)),
                        name="satisfaction_score_1_to_5",
                    )
                ],
            },
        ),
    ]
