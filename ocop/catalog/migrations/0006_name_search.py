"""SQLite: the entries' names in an FTS table of their own, in display order, for the name tiers of a search
(docs/catalog.md, Search design). PostgreSQL already has its names-only tsvector (0004)."""

from django.db import migrations

from ocop.catalog import index_sql


def _run(schema_editor, statements: list[str]) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in statements:
            schema_editor.execute(statement)


def install(apps, schema_editor):
    _run(schema_editor, index_sql.SQLITE_NAME_INSTALL)


def uninstall(apps, schema_editor):
    _run(schema_editor, index_sql.SQLITE_NAME_UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_catalog_version")]

    operations = [migrations.RunPython(install, uninstall)]
