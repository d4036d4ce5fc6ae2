"""Daily figures per account and outcome, no longer per suspicion (nothing read them by
suspicion, and the Overview sums fewer rows), and the figures' version (FiguresChange,
`figures/version.py`), which the triggers now also keep.

The triggers are dropped, the daily figures emptied (the new key would see the old rows
as duplicates), and both are put back by `triggers.install`, which counts the mirror
afresh."""

from django.db import migrations, models

DAILY = "figures_dailyfigure"


def drop(apps, schema_editor):
    from idvdash.figures import triggers

    triggers.remove(schema_editor)
    schema_editor.execute(f"DELETE FROM {DAILY}")


def install(apps, schema_editor):
    from idvdash.figures import triggers

    triggers.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("figures", "0002_triggers"),
        ("providers", "0004_customer_ref_key"),
        # After every migration of the mirror's table: a table rebuild on SQLite drops triggers.
        ("verifications", "0017_erasure"),
    ]

    operations = [
        migrations.RunPython(drop, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="dailyfigure", name="dailyfigure_key"),
        migrations.RemoveField(model_name="dailyfigure", name="suspected"),
        migrations.AddConstraint(
            model_name="dailyfigure",
            constraint=models.UniqueConstraint(
                fields=("day", "account", "outcome"), name="dailyfigure_key"
            ),
        ),
        migrations.CreateModel(
            name="FiguresChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("changes", models.BigIntegerField(default=1)),
            ],
        ),
        migrations.RunPython(install, drop),
    ]
