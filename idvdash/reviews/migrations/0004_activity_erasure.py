"""SQLite: let erasure on request redact the case timeline, as PostgreSQL already does.

Migration 0002's SQLite trigger refuses every UPDATE of reviews_activity; SQLite has no
session settings for a transaction to lift it with (PostgreSQL's `idvdash.erasing`).
The trigger is recreated to let an update through only while `reviews_activity_erasing`
holds a row: erasure inserts one and removes it again inside its own transaction
(`idvdash.retention.erasure.timeline_edits`), so no other connection ever sees it.
"""

from django.db import migrations

APPEND_ONLY = "reviews_activity is append-only"
SQLITE = [
    "CREATE TABLE IF NOT EXISTS reviews_activity_erasing (erasing integer NOT NULL)",
    "DROP TRIGGER IF EXISTS reviews_activity_no_update",
    f"""
    CREATE TRIGGER reviews_activity_no_update BEFORE UPDATE ON reviews_activity
    WHEN NOT EXISTS (SELECT 1 FROM reviews_activity_erasing)
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS reviews_activity_no_update",
    f"""
    CREATE TRIGGER reviews_activity_no_update BEFORE UPDATE ON reviews_activity
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END
    """,
    "DROP TABLE IF EXISTS reviews_activity_erasing",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0003_queue_state_index")]

    operations = [migrations.RunPython(forward, backward)]
