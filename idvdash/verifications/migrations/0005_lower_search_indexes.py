"""Case-insensitive prefix search on subject_ref and external_id walks an index.

The list compares LOWER(column) as a range; on PostgreSQL with COLLATE "C" so a
language collation cannot reorder the range. Meta.indexes cannot say that and
still run on SQLite, hence SQL per vendor.
"""

from django.db import migrations

COLUMNS = ("subject_ref", "external_id")


def add(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for column in COLUMNS:
        expression = f'(lower({column}) COLLATE "C")' if postgres else f"(lower({column}))"
        schema_editor.execute(
            f"CREATE INDEX verif_{column}_lower ON verifications_verification {expression}"
        )


def remove(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX verif_{column}_lower")


class Migration(migrations.Migration):
    dependencies = [("verifications", "0004_decisive_outcome")]

    operations = [migrations.RunPython(add, remove)]
