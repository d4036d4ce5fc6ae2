"""The two reviewer roles as groups: Reviewers work cases, Senior reviewers also approve.

Admins (staff) configure idvdash in the Django admin; being a reviewer is separate.
`ensure_groups` is what migration 0002 runs; tests whose flush removed migration data
and the demo call it too.
"""

from __future__ import annotations

from typing import Any

REVIEWERS = "Reviewers"
SENIOR_REVIEWERS = "Senior reviewers"

_READ = [
    ("verifications", "verification", "view_verification", "Can view verification"),
    ("verifications", "syncrun", "view_syncrun", "Can view sync run"),
]
_WORK = ("reviews", "review", "work_review", "Can work cases and propose decisions")
_APPROVE = (
    "reviews",
    "review",
    "approve_review",
    "Can approve decisions, reassign cases and handle escalations",
)
GROUPS = {
    REVIEWERS: [*_READ, _WORK],
    SENIOR_REVIEWERS: [*_READ, _WORK, _APPROVE],
}


def ensure_groups(apps: Any = None) -> None:
    """Create both groups with their permissions (idempotent)."""
    if apps is None:
        from django.apps import apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    content_type_model = apps.get_model("contenttypes", "ContentType")
    for name, permissions in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for app_label, model, codename, label in permissions:
            content_type, _ = content_type_model.objects.get_or_create(
                app_label=app_label, model=model
            )
            permission, _ = permission_model.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": label}
            )
            group.permissions.add(permission)
