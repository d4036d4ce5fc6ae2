import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from tools.demo import DEMO_LOGINS, ensure_demo_users
from tools.processes import free_port

ROOT = Path(__file__).resolve().parents[2]


def authenticate(**credentials: str):
    """Authenticate as the sign-in form does: with a request (django-axes needs one)."""
    return django_authenticate(RequestFactory().post("/accounts/login/"), **credentials)


@pytest.mark.django_db
def test_demo_users_have_the_printed_passwords_and_roles():
    ensure_demo_users()

    reviewer = authenticate(username="reviewer", password="idvdash-demo-reviewer")
    senior = authenticate(username="senior", password="idvdash-demo-senior")
    admin = authenticate(username="admin", password="idvdash-demo-admin")
    assert reviewer.has_perm("verifications.view_verification")
    assert reviewer.has_perm("reviews.work_review")
    assert not reviewer.has_perm("reviews.approve_review")
    assert not reviewer.is_staff
    assert not reviewer.has_perm("providers.view_provideraccount")
    assert senior.has_perm("verifications.view_verification")
    assert senior.has_perm("reviews.approve_review")
    assert not senior.is_staff
    assert admin.is_staff
    assert admin.is_superuser
    assert [login.username for login in DEMO_LOGINS] == ["admin", "reviewer", "senior"]


@pytest.mark.django_db
def test_demo_users_are_set_up_even_when_the_groups_are_missing():
    Group.objects.all().delete()

    ensure_demo_users()

    senior = authenticate(username="senior", password="idvdash-demo-senior")
    assert senior.groups.get().name == "Senior reviewers"
    assert senior.has_perm("reviews.approve_review")


@pytest.mark.django_db
def test_setting_up_demo_users_twice_is_harmless():
    ensure_demo_users()
    ensure_demo_users()

    for login in DEMO_LOGINS:
        assert authenticate(username=login.username, password=login.password) is not None


def run_demo(tmp_path: Path, *extra: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "IDVDASH_DEV_APPS"}
    }
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        DJANGO_SETTINGS_MODULE="idvdash.settings",
        **env,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "demo", "--no-serve", *extra],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_demo_syncs_four_sandbox_accounts_and_prints_working_logins(tmp_path):
    result = run_demo(tmp_path, "--sandbox-port", str(free_port()), "--size", "25")

    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for name in ("idenfy-demo", "equals-demo", "swan-demo", "stora-demo"):
        assert any(line.startswith(f"{name}: ok (") for line in lines), result.stdout
    for login in DEMO_LOGINS:
        assert f"{login.username} / {login.password}" in result.stdout


def test_demo_refuses_to_run_with_debug_off():
    """Where the tools are installed (the suite, which runs with DEBUG off), it says why."""
    assert not settings.DEBUG

    with pytest.raises(CommandError, match=r"The demo is for local use: run it with DEBUG on\."):
        call_command("demo", "--no-serve")


def test_demo_is_not_even_installed_with_debug_off(tmp_path):
    result = run_demo(
        tmp_path,
        DEBUG="false",
        SECRET_KEY="s" * 60,
        CREDENTIAL_KEYS="ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMhISE=",
        MATCH_KEYS="k1:secret",
        ALLOWED_HOSTS="x",
    )

    assert result.returncode != 0
    assert "Unknown command: 'demo'" in result.stderr


@pytest.mark.django_db
def test_the_demo_admin_signs_in_with_the_printed_second_factor(client):
    from django.core.cache import cache
    from django.urls import reverse

    from tools.demo import current_totp_code, demo_second_factor_hint, ensure_demo_second_factor

    cache.clear()  # allauth remembers used codes in the cache
    ensure_demo_users()
    secret = ensure_demo_second_factor()
    assert secret in demo_second_factor_hint(secret)

    client.post(reverse("login"), {"username": "admin", "password": "idvdash-demo-admin"})
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
