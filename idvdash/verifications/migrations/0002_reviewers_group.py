from django.db import migrations

REVIEWERS = "Reviewers"
# Reviewers read the mirror and its sync history; they never see provider accounts.
PERMISSIONS = [
    ("verifications", "verification", "view_verification", "Can view verification"),
    ("verifications", "syncrun", "view_syncrun", "Can view sync run"),
]


def create_reviewers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name=REVIEWERS)
    for app_label, model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        group.permissions.add(permission)


def remove_reviewers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=REVIEWERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("verifications", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_reviewers, remove_reviewers)]
