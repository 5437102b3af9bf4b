"""The name on a renamed product's certificate ("formerly"). Adding a column rebuilds the table on SQLite, which
drops the full-text triggers: they are installed again (index_sql.install is idempotent)."""

from django.db import migrations, models

from ocop.catalog import index_sql


def reinstall_index(apps, schema_editor):
    index_sql.install(schema_editor, as_of_0002=True)  # the structures of its time; 0004 replaces them


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_index")]

    operations = [
        migrations.AddField(
            model_name="catalogentry",
            name="former_name",
            field=models.CharField(blank=True, default="", max_length=255),
        ),
        migrations.RunPython(reinstall_index, migrations.RunPython.noop),
    ]
