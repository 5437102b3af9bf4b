"""The council's explanation is stored as language-neutral facts and said when read.

Only the field's name changes (the column stays `explanation`), so nothing is written to the database. Rows
computed before keep their stored sentences; `ocop.evaluation.explanations.lines` reads them as they are.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_score_sheet_paper_mode"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RenameField(
                    model_name="rounddossier", old_name="explanation", new_name="explanation_facts"
                ),
                migrations.AlterField(
                    model_name="rounddossier",
                    name="explanation_facts",
                    field=models.JSONField(blank=True, db_column="explanation", default=dict),
                ),
            ],
        ),
    ]
