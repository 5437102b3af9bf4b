"""The database's own full-text structures behind `CatalogEntry` and `SearchWord`, per engine.

SQLite: an FTS5 table over the entries' folded columns (external content, kept in step by triggers) and an
FTS5 trigram table over the vocabulary. PostgreSQL: a generated, weighted `tsvector` column with a GIN
index, and a pg_trgm GiST index over the vocabulary. Every statement is idempotent: a later migration that
rebuilds `catalog_catalogentry` on SQLite (which drops its triggers) must call `install(schema_editor)`.
"""

# Every statement here is built from the constant table names above; no value from outside reaches them.
# ruff: noqa: S608

from __future__ import annotations

ENTRY_TABLE = "catalog_catalogentry"
WORD_TABLE = "catalog_searchword"
SQLITE_ENTRY_FTS = "catalog_entry_fts"
SQLITE_NAME_FTS = "catalog_entry_name_fts"
SQLITE_WORD_FTS = "catalog_word_trigram"
PG_VECTOR = "search_vector"
PG_NAME_VECTOR = "name_vector"

_FTS_COLUMNS = "name_text, producer_text, place_text"
_NEW = "new.name_text, new.producer_text, new.place_text"
_OLD = "old.name_text, old.producer_text, old.place_text"


def _sqlite_install(rowid: str, prefixes: str = "2 3") -> list[str]:
    """The FTS5 structures, with the entry column whose value becomes the FTS row id.

    Every query word is a prefix: FTS5 answers a prefix of a length it has an index for like a plain word
    (one posting list, read lazily, so `ORDER BY rowid LIMIT n` stops early); any other prefix merges the
    posting lists of every word it begins, in full. Hence prefix indexes up to 7 letters, the longest
    Vietnamese syllable (`nghieng`)."""
    return [
        # Folded text is plain ASCII-ish words: no diacritic removal needed (fold() did it, đ included).
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_ENTRY_FTS} USING fts5(
            {_FTS_COLUMNS}, content='{ENTRY_TABLE}', content_rowid='{rowid}',
            tokenize='unicode61 remove_diacritics 0', prefix='{prefixes}')""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_entry_fts_insert AFTER INSERT ON {ENTRY_TABLE} BEGIN
            INSERT INTO {SQLITE_ENTRY_FTS}(rowid, {_FTS_COLUMNS}) VALUES (new.{rowid}, {_NEW});
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_entry_fts_delete AFTER DELETE ON {ENTRY_TABLE} BEGIN
            INSERT INTO {SQLITE_ENTRY_FTS}({SQLITE_ENTRY_FTS}, rowid, {_FTS_COLUMNS})
            VALUES ('delete', old.{rowid}, {_OLD});
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_entry_fts_update
            AFTER UPDATE OF {_FTS_COLUMNS}{", " + rowid if rowid != "product_id" else ""} ON {ENTRY_TABLE}
            BEGIN
            INSERT INTO {SQLITE_ENTRY_FTS}({SQLITE_ENTRY_FTS}, rowid, {_FTS_COLUMNS})
            VALUES ('delete', old.{rowid}, {_OLD});
            INSERT INTO {SQLITE_ENTRY_FTS}(rowid, {_FTS_COLUMNS}) VALUES (new.{rowid}, {_NEW});
        END""",
        # Words are padded with '|' so a word's first and last letters make trigrams of their own: a
        # three-letter word with a typo ('onh') still shares '|on' with the right one ('ong').
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_WORD_FTS} USING fts5(
            word, content='{WORD_TABLE}', content_rowid='id', tokenize='trigram')""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_word_trigram_insert AFTER INSERT ON {WORD_TABLE} BEGIN
            INSERT INTO {SQLITE_WORD_FTS}(rowid, word) VALUES (new.id, '|' || new.word || '|');
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_word_trigram_delete AFTER DELETE ON {WORD_TABLE} BEGIN
            INSERT INTO {SQLITE_WORD_FTS}({SQLITE_WORD_FTS}, rowid, word)
            VALUES ('delete', old.id, '|' || old.word || '|');
        END""",
        # Bring the index level with rows that existed before the triggers did.
        f"INSERT INTO {SQLITE_ENTRY_FTS}({SQLITE_ENTRY_FTS}) VALUES ('rebuild')",
        # 'delete-all', not DELETE: DELETE would remove, one by one, words this new table never indexed.
        f"INSERT INTO {SQLITE_WORD_FTS}({SQLITE_WORD_FTS}) VALUES ('delete-all')",
        f"INSERT INTO {SQLITE_WORD_FTS}(rowid, word) SELECT id, '|' || word || '|' FROM {WORD_TABLE}",
    ]


_PREFIXES = "2 3 4 5 6 7"


def _sqlite_name_install() -> list[str]:
    """The names alone, in display order: the name tiers of a search read only names' posting lists. Over
    the whole text, a name tier of words found everywhere but in names (`hop tac xa`) read every match's
    positions to find the name column empty (docs/catalog.md)."""
    return [
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS {SQLITE_NAME_FTS} USING fts5(
            name_text, content='{ENTRY_TABLE}', content_rowid='display_order',
            tokenize='unicode61 remove_diacritics 0', prefix='{_PREFIXES}')""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_entry_name_fts_insert AFTER INSERT ON {ENTRY_TABLE} BEGIN
            INSERT INTO {SQLITE_NAME_FTS}(rowid, name_text) VALUES (new.display_order, new.name_text);
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_entry_name_fts_delete AFTER DELETE ON {ENTRY_TABLE} BEGIN
            INSERT INTO {SQLITE_NAME_FTS}({SQLITE_NAME_FTS}, rowid, name_text)
            VALUES ('delete', old.display_order, old.name_text);
        END""",
        f"""CREATE TRIGGER IF NOT EXISTS catalog_entry_name_fts_update
            AFTER UPDATE OF name_text, display_order ON {ENTRY_TABLE} BEGIN
            INSERT INTO {SQLITE_NAME_FTS}({SQLITE_NAME_FTS}, rowid, name_text)
            VALUES ('delete', old.display_order, old.name_text);
            INSERT INTO {SQLITE_NAME_FTS}(rowid, name_text) VALUES (new.display_order, new.name_text);
        END""",
        f"INSERT INTO {SQLITE_NAME_FTS}({SQLITE_NAME_FTS}) VALUES ('rebuild')",
    ]


SQLITE_NAME_INSTALL = _sqlite_name_install()
SQLITE_NAME_UNINSTALL = [
    "DROP TRIGGER IF EXISTS catalog_entry_name_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_entry_name_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_entry_name_fts_update",
    f"DROP TABLE IF EXISTS {SQLITE_NAME_FTS}",
]

# Renumbering sets the triggers of both entry FTS tables aside and rebuilds each once (display_order.py).
SQLITE_ENTRY_TRIGGERS_DROP = [*SQLITE_NAME_UNINSTALL[:3]] + [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("catalog_entry_fts_insert", "catalog_entry_fts_delete", "catalog_entry_fts_update")
]
SQLITE_ENTRY_TRIGGERS_CREATE = [*_sqlite_install("display_order")[1:4], *SQLITE_NAME_INSTALL[1:4]]
SQLITE_ENTRY_REBUILD = [
    f"INSERT INTO {SQLITE_ENTRY_FTS}({SQLITE_ENTRY_FTS}) VALUES ('rebuild')",
    SQLITE_NAME_INSTALL[4],
]

# Migration 0002 built the entry FTS over product ids; 0003 rebuilt it over `display_order`, so that FTS
# row ids follow the display order and `ORDER BY rowid LIMIT n` stops after one page (docs/catalog.md);
# 0006 added the names-only table.
SQLITE_INSTALL_0002 = _sqlite_install("product_id")
SQLITE_INSTALL_0004 = _sqlite_install("display_order", _PREFIXES)
SQLITE_INSTALL = [*SQLITE_INSTALL_0004, *SQLITE_NAME_INSTALL]

SQLITE_UNINSTALL = [
    *SQLITE_NAME_UNINSTALL,
    "DROP TRIGGER IF EXISTS catalog_entry_fts_insert",
    "DROP TRIGGER IF EXISTS catalog_entry_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_entry_fts_update",
    "DROP TRIGGER IF EXISTS catalog_word_trigram_insert",
    "DROP TRIGGER IF EXISTS catalog_word_trigram_delete",
    f"DROP TABLE IF EXISTS {SQLITE_ENTRY_FTS}",
    f"DROP TABLE IF EXISTS {SQLITE_WORD_FTS}",
]

# The text is folded in Python before it is stored, so the `simple` configuration (no stemming, no stop
# words) over it is full-text search over unaccented text, with đ→d, identical to what SQLite indexes.
PG_INSTALL_0002 = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""ALTER TABLE {ENTRY_TABLE} ADD COLUMN IF NOT EXISTS {PG_VECTOR} tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(name_text, '')), 'A') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(producer_text, '')), 'B') ||
        setweight(to_tsvector('simple'::regconfig, coalesce(place_text, '')), 'C')) STORED""",
    f"CREATE INDEX IF NOT EXISTS catalog_entry_search_vector ON {ENTRY_TABLE} USING gin ({PG_VECTOR})",
    f"CREATE INDEX IF NOT EXISTS catalog_searchword_trgm ON {WORD_TABLE} USING gist (word gist_trgm_ops)",
]
# A names-only vector with its own (small) GIN index: the name tiers read it instead of the whole text's.
PG_INSTALL = [
    *PG_INSTALL_0002,
    f"""ALTER TABLE {ENTRY_TABLE} ADD COLUMN IF NOT EXISTS {PG_NAME_VECTOR} tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, coalesce(name_text, ''))) STORED""",
    f"CREATE INDEX IF NOT EXISTS catalog_entry_name_vector ON {ENTRY_TABLE} USING gin ({PG_NAME_VECTOR})",
]

PG_UNINSTALL = [
    "DROP INDEX IF EXISTS catalog_entry_name_vector",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS {PG_NAME_VECTOR}",
    "DROP INDEX IF EXISTS catalog_searchword_trgm",
    "DROP INDEX IF EXISTS catalog_entry_search_vector",
    f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS {PG_VECTOR}",
]


def _run(schema_editor, statements: list[str]) -> None:
    for statement in statements:
        schema_editor.execute(statement)


def install(schema_editor, *, as_of_0002: bool = False) -> None:
    """Create the structures (idempotent). `as_of_0002`: the first version, for migration 0002, which runs
    before `display_order` exists."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_INSTALL_0002 if as_of_0002 else SQLITE_INSTALL)
    elif vendor == "postgresql":
        _run(schema_editor, PG_INSTALL_0002 if as_of_0002 else PG_INSTALL)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_UNINSTALL)
    elif vendor == "postgresql":
        _run(schema_editor, PG_UNINSTALL)


def refresh_statistics() -> None:
    """Let the planner know the index's shape after a bulk change. Without statistics SQLite probes the
    primary key's index (then the wide row) instead of the narrow covering `catalog_entry_lookup`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ENTRY_TABLE}")
