"""R5: started with a key that does not fit, every surface says so; ciphertext is never used."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.urls import reverse

from idvdash.providers.errors import ProviderAuthError
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import client_for
from idvdash.verifications import sync
from idvdash.verifications.models import SyncRun
from tests.providers.test_crypto import stored_token

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
UNKNOWN_KEY = Fernet.generate_key().decode()
ADMIN_UNREADABLE = "Unreadable with the configured keys: enter them again"
CLIENT_UNREADABLE = "has credentials that cannot be read; enter them again."


@pytest.fixture
def lost_account(settings, make_account):
    settings.CREDENTIAL_KEYS = [OLD_KEY]
    account = make_account("equals")
    token = stored_token(account)
    settings.CREDENTIAL_KEYS = [UNKNOWN_KEY]
    return ProviderAccount.objects.get(pk=account.pk), token


def test_the_admin_says_the_credentials_are_unreadable(admin_client_, lost_account):
    account, token = lost_account
    for url in (
        reverse("admin:providers_provideraccount_change", args=[account.pk]),
        reverse("admin:providers_provideraccount_changelist"),
    ):
        response = admin_client_.get(url)

        assert response.status_code == 200
        body = response.content.decode()
        assert ADMIN_UNREADABLE in body
        assert token not in body
        assert token[:20] not in body


def test_the_command_line_list_says_the_credentials_are_unreadable(lost_account):
    account, token = lost_account
    out = io.StringIO()

    call_command("provider_account", "list", stdout=out)

    line = next(line for line in out.getvalue().splitlines() if line.startswith(account.name))
    assert "UNREADABLE with the configured keys" in line
    assert token[:20] not in out.getvalue()


def test_a_client_is_not_built_from_unreadable_credentials(lost_account):
    account, _ = lost_account

    with pytest.raises(ProviderAuthError, match=CLIENT_UNREADABLE):
        client_for(account)


def test_a_sync_fails_with_a_readable_error(lost_account):
    account, token = lost_account

    run = sync.sync_account(account=account)

    assert run.state == SyncRun.State.FAILED
    assert CLIENT_UNREADABLE in run.error
    assert account.name in run.error
    assert token[:20] not in run.error


def test_saving_the_admin_form_with_new_credentials_recovers_the_account(
    admin_client_, lost_account, settings
):
    account, _ = lost_account
    url = reverse("admin:providers_provideraccount_change", args=[account.pk])
    form = admin_client_.get(url).context["adminform"].form
    # What the page posts back: each field as it renders (JSON as text, not a list).
    data = {
        name: form[name].value()
        for name, value in form.initial.items()
        if value is not None and not name.startswith("credential")
    }
    data.update(name=account.name, kind="equals", credential_api_key="a-fresh-key-0001")
    data.setdefault("sync_interval", form.initial.get("sync_interval") or 60)

    response = admin_client_.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ProviderAccount.objects.get(pk=account.pk).credentials == {"api_key": "a-fresh-key-0001"}
