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
    "ALLOWED_HOSTS": "idvdash.example.com",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in PRODUCTION}
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


@pytest.mark.parametrize("missing", ["SECRET_KEY", "CREDENTIAL_KEYS", "ALLOWED_HOSTS"])
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
