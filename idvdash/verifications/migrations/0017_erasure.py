"""Verification.erased_at and erased_by_retention (erasure on request, unlisted rows'
retention: `idvdash/retention/`).

Added with ALTER TABLE ... ADD COLUMN on both engines: Django's own AddField would
rebuild the table on SQLite (a NOT NULL column with a default), which drops the
triggers other migrations put on it (0006's substring search) and copies every row.
"""

from django.db import migrations, models

TABLE = "verifications_verification"
ADD = {
    "sqlite": [
        f'ALTER TABLE "{TABLE}" ADD COLUMN "erased_at" datetime NULL',
        f'ALTER TABLE "{TABLE}" ADD COLUMN "erased_by_retention" bool DEFAULT 0 NOT NULL',
    ],
    "postgresql": [
        f'ALTER TABLE "{TABLE}" ADD COLUMN "erased_at" timestamp with time zone NULL',
        f'ALTER TABLE "{TABLE}" ADD COLUMN "erased_by_retention" boolean DEFAULT false NOT NULL',
    ],
}
DROP = [
    f'ALTER TABLE "{TABLE}" DROP COLUMN "erased_by_retention"',
    f'ALTER TABLE "{TABLE}" DROP COLUMN "erased_at"',
]


def add_columns(apps, schema_editor):
    for statement in ADD[schema_editor.connection.vendor]:
        schema_editor.execute(statement)


def drop_columns(apps, schema_editor):
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("verifications", "0016_alter_accessevent_action"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
            state_operations=[
                migrations.AddField(
                    model_name="verification",
                    name="erased_at",
                    field=models.DateTimeField(blank=True, null=True),
                ),
                migrations.AddField(
                    model_name="verification",
                    name="erased_by_retention",
                    field=models.BooleanField(db_default=False, default=False),
                ),
            ],
        ),
    ]
