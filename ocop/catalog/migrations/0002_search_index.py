"""The engines' own full-text structures: FTS5 tables and triggers on SQLite, tsvector and pg_trgm on PostgreSQL."""

from django.db import migrations

from ocop.catalog import index_sql


def install(apps, schema_editor):
    index_sql.install(schema_editor, as_of_0002=True)


def uninstall(apps, schema_editor):
    index_sql.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
