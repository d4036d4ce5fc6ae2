"""Demo set-up for `make demo`: local logins, printed so a newcomer can sign in."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

REVIEWERS_GROUP = "Reviewers"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


DEMO_LOGINS = (
    DemoLogin("admin", "idvdash-demo-admin", "admin: Django admin, provider accounts, sync"),
    DemoLogin("reviewer", "idvdash-demo-reviewer", "reviewer: verifications only"),
)


@transaction.atomic
def ensure_demo_users() -> tuple[DemoLogin, ...]:
    """Create (or reset) the demo admin and reviewer; return their logins."""
    user_model = get_user_model()
    reviewers = Group.objects.get(name=REVIEWERS_GROUP)
    for login in DEMO_LOGINS:
        user, _ = user_model.objects.get_or_create(username=login.username)
        is_admin = login.username == "admin"
        user.is_staff = user.is_superuser = is_admin
        user.is_active = True
        user.set_password(login.password)
        user.save()
        if not is_admin:
            user.groups.add(reviewers)
    return DEMO_LOGINS
