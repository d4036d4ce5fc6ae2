import pytest

from idvdash.providers.equals.client import EqualsClient
from idvdash.providers.errors import ProviderAuthError, ProviderResponseError
from idvdash.providers.fields import SealedCredentials
from idvdash.providers.idenfy.client import IdenfyClient
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import PROVIDERS, client_for
from idvdash.providers.stora.client import StoraClient
from idvdash.providers.swan.client import SwanClient

CREDENTIALS = {
    "idenfy": {"api_key": "k-123456", "api_secret": "s-123456"},
    "equals": {"api_key": "k-123456"},
    "swan": {"client_id": "SANDBOX_x", "client_secret": "s-123456"},
    "stora": {"access_token": "t-123456"},
}


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("idenfy", IdenfyClient),
        ("equals", EqualsClient),
        ("swan", SwanClient),
        ("stora", StoraClient),
    ],
)
def test_blank_urls_fall_back_to_the_documented_defaults(kind, cls):
    account = ProviderAccount(name=f"acme-{kind}", kind=kind, credentials=CREDENTIALS[kind])

    client = client_for(account)
    try:
        assert isinstance(client, cls)
        assert client.kind == kind
        assert client.incremental is (kind == "stora")
        url = getattr(client, "base_url", None) or client.graphql_url
        assert url == PROVIDERS[kind].base_url
        if PROVIDERS[kind].token_url:
            assert client.token_url == PROVIDERS[kind].token_url
    finally:
        client.close()


def test_account_urls_win_over_the_defaults():
    account = ProviderAccount(
        name="acme-stora",
        kind="stora",
        base_url="http://127.0.0.1:9/stora/",
        token_url="http://127.0.0.1:9/stora/oauth2/token",
        credentials=CREDENTIALS["stora"],
    )

    client = client_for(account)
    try:
        assert client.base_url == "http://127.0.0.1:9/stora"
        assert client.token_url == "http://127.0.0.1:9/stora/oauth2/token"
    finally:
        client.close()


def test_unreadable_credentials_are_an_auth_error_naming_the_account():
    account = ProviderAccount(name="acme-swan", kind="swan")
    account.credentials = SealedCredentials("gAAAA-not-decryptable")

    with pytest.raises(ProviderAuthError, match="acme-swan") as caught:
        client_for(account)

    assert "gAAAA" not in str(caught.value)


@pytest.mark.parametrize(
    ("kind", "credentials"),
    [
        ("idenfy", {"api_key": "k-123456"}),
        ("equals", {"api_key": "   "}),
        ("swan", {}),
        ("stora", {"client_id": "only-the-id"}),
    ],
)
def test_missing_credentials_are_an_auth_error(kind, credentials):
    account = ProviderAccount(name="acme", kind=kind, credentials=credentials)

    with pytest.raises(ProviderAuthError, match="'acme' is missing credentials") as caught:
        client_for(account)

    assert "only-the-id" not in str(caught.value)


def test_unknown_kind_is_refused():
    account = ProviderAccount(name="acme", kind="onfido", credentials={})

    with pytest.raises(ProviderResponseError, match="unknown provider kind"):
        client_for(account)
