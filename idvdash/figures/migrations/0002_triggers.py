"""An index on the provider's creation time for the list's day filter, which every door
of the Overview's charts uses.

This migration also installed the figures' triggers; 0003 does now, because the
triggers are current code and follow the figures' latest shape (0003 drops any that
an earlier run of this migration installed)."""

from django.db import migrations

INDEX = "figures_verif_created"
TABLE = "verifications_verification"


def add(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} (provider_created_at)")


def remove(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("figures", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
