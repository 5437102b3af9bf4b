# IdempotentResponse now belongs to `accounts` (accounts.0003 takes over the table): forget it here only.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("accounts", "0003_idempotent_response"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="IdempotentResponse")],
            database_operations=[],
        ),
    ]
