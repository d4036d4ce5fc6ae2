"""Substring search on subject_ref and external_id walks a trigram index.

PostgreSQL: pg_trgm GIN indexes on lower(column), used by LOWER(column) LIKE '%text%'.
SQLite: an FTS5 table with the trigram tokenizer over the two columns, kept up to
date by triggers (external content: the text is stored once, in the table).
Note for later migrations on SQLite: a table rebuild drops triggers; recreate them.
"""

from django.db import migrations

COLUMNS = ("subject_ref", "external_id")
TABLE = "verifications_verification"
FTS = "verif_search"

SQLITE_ADD = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(subject_ref, external_id, content='{TABLE}', "
    "content_rowid='id', tokenize='trigram case_sensitive 0')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, subject_ref, external_id) "
    "VALUES (new.id, new.subject_ref, new.external_id); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, subject_ref, external_id) "
    "VALUES ('delete', old.id, old.subject_ref, old.external_id); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF subject_ref, external_id ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, subject_ref, external_id) "
    "VALUES ('delete', old.id, old.subject_ref, old.external_id); "
    f"INSERT INTO {FTS}(rowid, subject_ref, external_id) "
    "VALUES (new.id, new.subject_ref, new.external_id); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER {FTS}_ai",
    f"DROP TRIGGER {FTS}_ad",
    f"DROP TRIGGER {FTS}_au",
    f"DROP TABLE {FTS}",
]


def add(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in COLUMNS:
            schema_editor.execute(
                f"CREATE INDEX verif_{column}_trgm ON {TABLE} "
                f"USING gin (lower({column}) gin_trgm_ops)"
            )
    else:
        for statement in SQLITE_ADD:
            schema_editor.execute(statement)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for column in COLUMNS:
            schema_editor.execute(f"DROP INDEX verif_{column}_trgm")
    else:
        for statement in SQLITE_REMOVE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("verifications", "0005_lower_search_indexes")]

    operations = [migrations.RunPython(add, remove)]
