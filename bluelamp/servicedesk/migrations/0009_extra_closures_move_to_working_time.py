"""Extra closures now belong to working time (bluelamp.workingtime, migration 0001 takes the table
over as it is). Only Django's state changes here: no table is dropped."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0008_satisfaction_survey"),
        ("workingtime", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExtraClosure")],
            database_operations=[],
        ),
    ]
