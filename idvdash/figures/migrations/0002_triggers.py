"""The triggers that keep the figures (triggers.py), the figures of the rows already
mirrored, and an index on the provider's creation time for the list's day filter, which
every door of the Overview's charts uses."""

from django.db import migrations

INDEX = "figures_verif_created"
TABLE = "verifications_verification"


def add(apps, schema_editor):
    from idvdash.figures import triggers

    triggers.install(schema_editor)
    schema_editor.execute(f"CREATE INDEX {INDEX} ON {TABLE} (provider_created_at)")


def remove(apps, schema_editor):
    from idvdash.figures import triggers

    triggers.remove(schema_editor)
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("figures", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]
