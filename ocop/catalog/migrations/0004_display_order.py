"""Display order as a number, and the full-text structures that follow it (docs/catalog.md, Search design).

SQLite: the entry FTS table is rebuilt with `display_order` as its row id. PostgreSQL: a names-only tsvector
with its own GIN index. Changing the table remakes it on SQLite (dropping its triggers), hence the
full-text structures are removed first and installed again last.
"""

from django.db import migrations, models

from ocop.catalog import index_sql


def uninstall(apps, schema_editor):
    index_sql.uninstall(schema_editor)


def install_0002(apps, schema_editor):
    index_sql.install(schema_editor, as_of_0002=True)


def provisional_numbers(apps, schema_editor):
    schema_editor.execute(f"UPDATE {index_sql.ENTRY_TABLE} SET display_order = -product_id")  # noqa: S608


def install_and_number(apps, schema_editor):
    from ocop.catalog.display_order import renumber

    index_sql.install(schema_editor)
    renumber(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_entry_former_name")]

    operations = [
        migrations.RunPython(uninstall, install_0002),
        migrations.AddField(
            model_name="catalogentry", name="display_order", field=models.BigIntegerField(null=True)
        ),
        migrations.RunPython(provisional_numbers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="catalogentry", name="display_order", field=models.BigIntegerField(unique=True)
        ),
        migrations.RunPython(install_and_number, uninstall),
    ]
