"""Production start-up is strict; check --deploy is clean with production-like values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-entropy-0123456789",
    "CREDENTIAL_KEYS": Fernet.generate_key().decode(),
    "MATCH_KEYS": "k1:" + "m" * 40,
    "ALLOWED_HOSTS": "idvdash.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "IDVDASH_DEV_APPS"
    }
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "idvdash.settings"
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "CREDENTIAL_KEYS", "MATCH_KEYS", "ALLOWED_HOSTS"]
)
def test_production_start_is_refused_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}

    result = manage("check", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set when DEBUG is off." in result.stderr


def test_a_malformed_boolean_is_refused_not_guessed():
    result = manage("check", **{**PRODUCTION, "DEBUG": "flase"})

    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_a_credential_key_that_is_not_a_fernet_key_is_refused():
    result = manage("check", **{**PRODUCTION, "CREDENTIAL_KEYS": "short"})

    assert result.returncode != 0
    assert "CREDENTIAL_KEYS entry 1 is not a Fernet key" in result.stderr
    assert "short" not in result.stderr.split("ImproperlyConfigured")[-1]


def test_local_use_needs_no_environment():
    result = manage("check")

    assert result.returncode == 0, result.stderr


# What a running process has: each development app installed or not, and which of
# their modules got imported once the URLs (and so every view) are loaded.
DEV_APPS_PROBE = """
import sys
from django.apps import apps
from django.urls import get_resolver
get_resolver().url_patterns
print("installed", apps.is_installed("idvdash.sandbox"), apps.is_installed("tools"))
print("imported", sorted(m for m in sys.modules if m.split(".")[0] == "tools" or m.startswith("idvdash.sandbox")))
"""


def dev_apps(**env: str) -> tuple[str, str]:
    result = manage("shell", "--no-imports", "--command", DEV_APPS_PROBE, **env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    return lines["installed"], lines["imported"]


def test_production_installs_neither_the_sandbox_nor_the_tools():
    installed, imported = dev_apps(**PRODUCTION)

    assert installed == "False False"
    assert imported == "[]"


def test_debug_on_installs_the_sandbox_and_the_tools():
    installed, _ = dev_apps(DEBUG="true")

    assert installed == "True True"


def test_debug_on_can_leave_the_development_apps_out():
    installed, _ = dev_apps(DEBUG="true", IDVDASH_DEV_APPS="false")

    assert installed == "False False"


def test_asking_for_the_development_apps_with_debug_off_is_refused():
    result = manage("check", **{**PRODUCTION, "IDVDASH_DEV_APPS": "true"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "IDVDASH_DEV_APPS" in result.stderr
    assert "only when DEBUG is on" in result.stderr
