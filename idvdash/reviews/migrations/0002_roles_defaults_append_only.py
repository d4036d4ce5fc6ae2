from django.db import migrations

from idvdash.reviews.roles import SENIOR_REVIEWERS, ensure_groups

SERVICE_LEVELS = [("suspected", 24), ("declined", 48)]
CATEGORIES = [
    "Identity confirmed",
    "False positive",
    "Documents re-checked",
    "Fraud confirmed",
    "Customer offboarded",
    "Reported to the authorities",
]
APPEND_ONLY = "reviews_activity is append-only"
# A session may lift the guard for one transaction (SET LOCAL idvdash.erasing = 'on'):
# only erasure on request, which removes a person's data, does that.
POSTGRESQL = [
    f"""
    CREATE FUNCTION reviews_activity_append_only() RETURNS trigger AS $$
    BEGIN
        IF current_setting('idvdash.erasing', true) = 'on' THEN
            RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
        RAISE EXCEPTION '{APPEND_ONLY}';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER reviews_activity_append_only
    BEFORE UPDATE OR DELETE ON reviews_activity
    FOR EACH ROW EXECUTE FUNCTION reviews_activity_append_only()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS reviews_activity_append_only ON reviews_activity",
    "DROP FUNCTION IF EXISTS reviews_activity_append_only()",
]
# SQLite: no UPDATE ever. DELETE is refused by the application (the model and its
# queryset); a trigger on DELETE would also stop the test runner's flush of the table.
SQLITE = [
    f"""
    CREATE TRIGGER reviews_activity_no_update BEFORE UPDATE ON reviews_activity
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS reviews_activity_no_update"]


def create_defaults(apps, schema_editor):
    ensure_groups(apps)
    ServiceLevel = apps.get_model("reviews", "ServiceLevel")
    for outcome, hours in SERVICE_LEVELS:
        ServiceLevel.objects.get_or_create(outcome=outcome, defaults={"hours": hours})
    DecisionCategory = apps.get_model("reviews", "DecisionCategory")
    for name in CATEGORIES:
        DecisionCategory.objects.get_or_create(name=name)


def remove_defaults(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=SENIOR_REVIEWERS).delete()


def guard(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_REVERSE if vendor == "postgresql" else SQLITE_REVERSE:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0001_initial"),
        ("verifications", "0016_alter_accessevent_action"),
    ]

    operations = [
        migrations.RunPython(create_defaults, remove_defaults),
        migrations.RunPython(guard, unguard),
    ]
