"""Provider times may be unknown; the list sorts on idvdash's own times.

- `provider_created_at` / `provider_updated_at` become nullable: NULL is "the provider
  did not give it". Until now iDenfy rows held the time of the sync in their place.
- `changed_at` (new): when the mirror first held the row or last saw its status change.
  Existing rows get the later of `first_seen_at` and the stored update time: for an
  iDenfy row whose time was stood in, that update time *is* the sync that saw its
  status change; for a time the provider gave, the mirror changed no earlier than it.
- The stood-in iDenfy times are cleared. They cannot be told from real ones by value,
  so an iDenfy row keeps only times it can show a source for: its stored full status
  (`detail`: `created`, `updated`) or a webhook's `startTime` / `finishTime` in its
  payload. Every other iDenfy row (listed only) gets NULL; opening it reads the times.
- The sort indexes move from the provider times to `changed_at` and `first_seen_at`.

On SQLite, changing a column's NULL rebuilds the table, which drops the indexes and
triggers created in SQL by 0005 and 0006: they are created again at the end.
"""

from importlib import import_module

from django.db import migrations, models

from idvdash.core.values import parse_timestamp

TABLE = "verifications_verification"
OLD_INDEXES = (
    "verif_updated",
    "verif_created",
    "verif_prov_upd",
    "verif_acct_upd",
    "verif_outc_upd",
    "verif_susp_upd",
    "verif_prov_crt",
    "verif_acct_crt",
    "verif_outc_crt",
    "verif_susp_crt",
    "verif_subj_upd",
    "verif_subj_crt",
)
NEW_INDEXES = {
    "verif_changed": ["-changed_at", "-id"],
    "verif_seen": ["-first_seen_at", "-id"],
    "verif_prov_chg": ["provider", "-changed_at", "-id"],
    "verif_acct_chg": ["account", "-changed_at", "-id"],
    "verif_outc_chg": ["outcome", "-changed_at", "-id"],
    "verif_susp_chg": ["suspected", "-changed_at", "-id"],
    "verif_prov_seen": ["provider", "-first_seen_at", "-id"],
    "verif_acct_seen": ["account", "-first_seen_at", "-id"],
    "verif_outc_seen": ["outcome", "-first_seen_at", "-id"],
    "verif_susp_seen": ["suspected", "-first_seen_at", "-id"],
    "verif_subj_chg": ["subject_ref", "-changed_at", "-id"],
    "verif_subj_seen": ["subject_ref", "-first_seen_at", "-id"],
}


def fill_changed_at(apps, schema_editor):
    later = "GREATEST" if schema_editor.connection.vendor == "postgresql" else "MAX"
    schema_editor.execute(
        f"UPDATE {TABLE} SET changed_at = {later}(first_seen_at, provider_updated_at)"
    )
    _check_constraints_now(schema_editor)


def _check_constraints_now(schema_editor):
    """PostgreSQL: run the deferred foreign-key checks a row update queued, now.

    A row updated twice in one transaction queues a deferred check of its account; a
    later ALTER TABLE or CREATE INDEX on the table refuses to run while one is pending.
    """
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def clear_stood_in_times(apps, schema_editor):
    verification = apps.get_model("verifications", "Verification")
    idenfy = verification.objects.filter(provider="idenfy")
    idenfy.filter(detail__isnull=True).exclude(raw__has_key="startTime").update(
        provider_created_at=None, provider_updated_at=None
    )
    sourced = idenfy.exclude(detail__isnull=True) | idenfy.filter(raw__has_key="startTime")
    for pk, raw, detail in sourced.values_list("pk", "raw", "detail").iterator():
        verification.objects.filter(pk=pk).update(**_sourced_times(raw, detail))
    _check_constraints_now(schema_editor)


def stand_in_times(apps, schema_editor):
    """Going back: the old columns need a time on every row, so idvdash's stand in again."""
    verification = apps.get_model("verifications", "Verification")
    verification.objects.filter(provider_created_at__isnull=True).update(
        provider_created_at=models.F("first_seen_at")
    )
    verification.objects.filter(provider_updated_at__isnull=True).update(
        provider_updated_at=models.F("changed_at")
    )
    _check_constraints_now(schema_editor)


def _sourced_times(raw: object, detail: object) -> dict:
    """The times a stored full status or a webhook's payload gives (a snapshot first)."""
    raw = raw if isinstance(raw, dict) else {}
    detail = detail if isinstance(detail, dict) else {}
    created = parse_timestamp(detail.get("created")) or _unix(raw.get("startTime"))
    updated = parse_timestamp(detail.get("updated")) or _unix(raw.get("finishTime"))
    if created is not None and updated is not None:
        updated = max(created, updated)
    return {"provider_created_at": created, "provider_updated_at": updated}


def _unix(value: object) -> object:
    """iDenfy's webhook times are Unix seconds; anything else is no time."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return parse_timestamp(value)


def restore_sqlite_search(apps, schema_editor):
    """Create again what a SQLite table rebuild dropped: 0005's indexes, 0006's triggers."""
    if schema_editor.connection.vendor != "sqlite":
        return
    lower = import_module("idvdash.verifications.migrations.0005_lower_search_indexes")
    search = import_module("idvdash.verifications.migrations.0006_substring_search_indexes")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE tbl_name = %s", [TABLE])
        existing = {name for (name,) in cursor.fetchall()}
    if "verif_subject_ref_lower" not in existing:
        lower.add(apps, schema_editor)
    triggers = [sql for sql in search.SQLITE_ADD if sql.startswith("CREATE TRIGGER")]
    for statement in triggers:
        if statement.split()[2] not in existing:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0003_scan_scope"),
        ("verifications", "0013_scan_scope"),
    ]

    operations = [
        # Run last when the migration is reversed, after the rebuilds going back.
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_search),
        *[
            migrations.RemoveIndex(model_name="verification", name=name)
            for name in OLD_INDEXES
        ],
        migrations.AddField(
            model_name="verification",
            name="changed_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill_changed_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="verification",
            name="changed_at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="verification",
            name="provider_created_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="verification",
            name="provider_updated_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(clear_stood_in_times, stand_in_times),
        *[
            migrations.AddIndex(
                model_name="verification",
                index=models.Index(fields=fields, name=name),
            )
            for name, fields in NEW_INDEXES.items()
        ],
        migrations.RunPython(restore_sqlite_search, migrations.RunPython.noop),
    ]
