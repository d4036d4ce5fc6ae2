"""OIDC_PROVIDERS: what a deployment writes, and a clear error for what it gets wrong."""

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from idvdash.signin.config import oidc_providers_from_json, socialaccount_providers

ENTRA = {
    "id": "entra",
    "name": "Contoso (Entra ID)",
    "server_url": "https://login.microsoftonline.com/tenant-id/v2.0/",
    "client_id": "client-id",
    "client_secret_env": "OIDC_TEST_SECRET",
    "groups_claim": "groups",
    "roles": {"Reviewers": ["group-a"], "admin": "group-b"},
}


def test_a_provider_with_its_secret_from_another_variable(monkeypatch):
    monkeypatch.setenv("OIDC_TEST_SECRET", "s3cret")

    (provider,) = oidc_providers_from_json(json.dumps([ENTRA]))

    assert provider.client_secret == "s3cret"
    assert "s3cret" not in repr(provider)
    assert provider.server_url == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert provider.roles == {"Reviewers": ("group-a",), "admin": ("group-b",)}
    (app,) = socialaccount_providers((provider,))["openid_connect"]["APPS"]
    assert app["provider_id"] == "entra"
    assert app["settings"]["oauth_pkce_enabled"] is True


def test_no_value_is_no_single_sign_on():
    assert oidc_providers_from_json("") == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": "has space"}, "id may hold"),
        ({"server_url": "ftp://x"}, "server_url"),
        ({"client_id": ""}, "client_id is required"),
        ({"roles": {"Owners": ["x"]}}, "unknown roles"),
        ({"groups_claim": ""}, "roles need groups_claim"),
        ({"client_secret": "x"}, "not both"),
        ({"scopes": ["profile"]}, "'openid'"),
        ({"surprise": 1}, "unknown keys"),
    ],
)
def test_a_mistake_stops_start_up_saying_what_is_wrong(monkeypatch, change, message):
    monkeypatch.setenv("OIDC_TEST_SECRET", "s3cret")
    with pytest.raises(ImproperlyConfigured, match=message):
        oidc_providers_from_json(json.dumps([{**ENTRA, **change}]))


def test_a_secret_variable_that_is_not_set_is_an_error(monkeypatch):
    monkeypatch.delenv("OIDC_TEST_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="OIDC_TEST_SECRET"):
        oidc_providers_from_json(json.dumps([ENTRA]))


def test_bad_json_and_duplicate_ids_are_errors(monkeypatch):
    monkeypatch.setenv("OIDC_TEST_SECRET", "s3cret")
    with pytest.raises(ImproperlyConfigured, match="not valid JSON"):
        oidc_providers_from_json("[{")
    with pytest.raises(ImproperlyConfigured, match="same id"):
        oidc_providers_from_json(json.dumps([ENTRA, ENTRA]))


def test_the_sign_in_form_may_redirect_to_each_providers_origin(monkeypatch):
    from idvdash.signin.config import origins

    monkeypatch.setenv("OIDC_TEST_SECRET", "s3cret")
    okta = {**ENTRA, "id": "okta", "server_url": "https://contoso.okta.com/oauth2/default"}
    providers = oidc_providers_from_json(json.dumps([ENTRA, okta]))

    assert origins(providers) == ["https://contoso.okta.com", "https://login.microsoftonline.com"]


def test_production_with_single_sign_on_is_strict_and_deploy_check_clean():
    from tests.core.test_settings import PRODUCTION, manage

    env = {
        **PRODUCTION,
        "OIDC_PROVIDERS": json.dumps([ENTRA]),
        "OIDC_TEST_SECRET": "s3cret",
    }
    printed = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.SECURE_CSP['form-action'], s.MFA_REQUIRED_FOR_LOCAL, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL]))",
        **env,
    )
    assert printed.returncode == 0, printed.stderr
    form_action, mfa_required, protocol = json.loads(printed.stdout.strip().splitlines()[-1])
    assert form_action == ["'self'", "https://login.microsoftonline.com"]
    assert mfa_required is True
    assert protocol == "https"
    assert "s3cret" not in printed.stdout + printed.stderr

    check = manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert check.returncode == 0, check.stderr
