import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from idvdash.providers.models import ProviderAccount
from tests.providers.factories import CANARY

pytestmark = pytest.mark.django_db


def run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command("provider_account", *args, stdout=out, stderr=out)
    finally:
        sys.stdin = old
    return out.getvalue()


@pytest.mark.parametrize("kind", ["idenfy", "equals", "swan", "stora"])
def test_set_creates_an_account_with_the_kinds_default_urls(kind):
    output = run(
        "set", f"my-{kind}", "--kind", kind, "--credentials", "-", stdin=json.dumps(CANARY[kind])
    )

    account = ProviderAccount.objects.get(name=f"my-{kind}")
    assert account.kind == kind
    assert account.credentials == CANARY[kind]
    assert account.base_url.startswith("https://")
    assert bool(account.token_url) == (kind in {"swan", "stora"})
    assert output.startswith(f"Created my-{kind}")
    for secret in CANARY[kind].values():
        assert secret not in output


def test_set_updates_an_existing_account_and_its_urls():
    run("set", "acme", "--kind", "stora", "--credentials", "-", stdin=json.dumps(CANARY["stora"]))
    creds = {"client_id": "cid", "client_secret": "csecret"}

    output = run(
        "set",
        "acme",
        "--kind",
        "stora",
        "--base-url",
        "http://127.0.0.1:9/stora",
        "--token-url",
        "http://127.0.0.1:9/stora/oauth2/token",
        "--inactive",
        "--credentials",
        "-",
        stdin=json.dumps(creds),
    )

    account = ProviderAccount.objects.get(name="acme")
    assert output.startswith("Updated acme")
    assert account.credentials == creds
    assert account.base_url == "http://127.0.0.1:9/stora"
    assert account.token_url == "http://127.0.0.1:9/stora/oauth2/token"
    assert not account.is_active


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--kind", "idenfy"], "{not json", "not valid JSON"),
        (["--kind", "idenfy"], '["a"]', "must be a JSON object"),
        (["--kind", "nope"], '{"api_key": "x"}', "unknown kind 'nope'"),
        (["--kind", "idenfy"], '{"api_key": "x"}', "required: api_key + api_secret"),
        (["--kind", "equals"], '{"api_key": "x", "api_secret": "y"}', "unknown key(s): api_secret"),
        (["--kind", "stora"], '{"client_id": "x"}', "access_token or client_id + client_secret"),
        (
            ["--kind", "idenfy", "--token-url", "https://x.test/t"],
            json.dumps(CANARY["idenfy"]),
            "token_url",
        ),
        (["--kind", "equals", "--base-url", "not a url"], '{"api_key": "x"}', "base_url"),
    ],
)
def test_set_refuses_bad_input_with_one_line_and_writes_nothing(args, stdin, message):
    with pytest.raises(CommandError) as excinfo:
        run("set", "bad", *args, "--credentials", "-", stdin=stdin)

    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)
    assert not ProviderAccount.objects.filter(name="bad").exists()


def test_bad_json_error_does_not_echo_the_input():
    with pytest.raises(CommandError) as excinfo:
        run(
            "set",
            "bad",
            "--kind",
            "equals",
            "--credentials",
            "-",
            stdin='{"api_key": "s3cr3t-value",',
        )

    assert "s3cr3t-value" not in str(excinfo.value)


def test_list_shows_accounts_and_key_names_but_never_values():
    for kind in CANARY:
        run(
            "set",
            f"acct-{kind}",
            "--kind",
            kind,
            "--credentials",
            "-",
            stdin=json.dumps(CANARY[kind]),
        )

    output = run("list")

    assert output.count("\n") == 4
    assert "acct-swan\tswan\tactive" in output
    assert "keys: client_id, client_secret" in output
    for creds in CANARY.values():
        for secret in creds.values():
            assert secret not in output


def test_list_with_no_accounts_says_so():
    assert run("list") == "No provider accounts.\n"
