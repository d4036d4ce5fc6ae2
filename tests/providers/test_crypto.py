import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from idvdash.providers.crypto import CredentialsUnreadable
from idvdash.providers.fields import SealedCredentials
from idvdash.providers.models import ProviderAccount
from tests.providers.factories import CANARY, ProviderAccountFactory

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def stored_token(account: ProviderAccount) -> str:
    table = connection.ops.quote_name(ProviderAccount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT credentials FROM {table} WHERE id = %s", [account.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_credentials_round_trip_through_the_database():
    account = ProviderAccountFactory(kind="swan")

    reloaded = ProviderAccount.objects.get(pk=account.pk)

    assert reloaded.credentials == CANARY["swan"]


def test_no_plaintext_at_rest():
    account = ProviderAccountFactory(kind="idenfy")

    token = stored_token(account)

    assert token.startswith("gAAAAA")  # a Fernet token
    for secret in CANARY["idenfy"].values():
        assert secret not in token
    assert "api_key" not in token


def test_rotation_re_encrypts_under_the_new_key_and_the_old_key_can_go(settings):
    settings.CREDENTIAL_KEYS = [OLD_KEY]
    accounts = [ProviderAccountFactory(kind=k) for k in ("idenfy", "equals", "swan", "stora")]
    before = {a.pk: stored_token(a) for a in accounts}

    settings.CREDENTIAL_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_credentials_key", stdout=io.StringIO())
    settings.CREDENTIAL_KEYS = [NEW_KEY]

    for account in accounts:
        assert stored_token(account) != before[account.pk]
        assert ProviderAccount.objects.get(pk=account.pk).credentials == CANARY[account.kind]


def test_rotation_changes_nothing_when_a_row_is_unreadable(settings):
    settings.CREDENTIAL_KEYS = [OLD_KEY]
    readable = ProviderAccountFactory(name="readable")
    settings.CREDENTIAL_KEYS = [Fernet.generate_key().decode()]
    ProviderAccountFactory(name="lost")
    token_before = stored_token(readable)

    settings.CREDENTIAL_KEYS = [NEW_KEY, OLD_KEY]
    with pytest.raises(CommandError, match="lost"):
        call_command("rotate_credentials_key")

    assert stored_token(readable) == token_before


def test_wrong_key_is_an_explicit_error_never_ciphertext(settings):
    settings.CREDENTIAL_KEYS = [OLD_KEY]
    account = ProviderAccountFactory(kind="equals")
    settings.CREDENTIAL_KEYS = [NEW_KEY]

    reloaded = ProviderAccount.objects.get(pk=account.pk)

    assert isinstance(reloaded.credentials, SealedCredentials)
    assert not reloaded.credentials_readable
    with pytest.raises(CredentialsUnreadable, match="CREDENTIAL_KEYS"):
        reloaded.credentials["api_key"]
    with pytest.raises(CredentialsUnreadable):
        dict(reloaded.credentials)


def test_saving_an_unreadable_account_keeps_its_stored_token(settings):
    settings.CREDENTIAL_KEYS = [OLD_KEY]
    account = ProviderAccountFactory(kind="equals")
    token = stored_token(account)
    settings.CREDENTIAL_KEYS = [NEW_KEY]

    reloaded = ProviderAccount.objects.get(pk=account.pk)
    reloaded.is_active = False
    reloaded.save()

    assert stored_token(account) == token
    settings.CREDENTIAL_KEYS = [OLD_KEY]
    assert ProviderAccount.objects.get(pk=account.pk).credentials == CANARY["equals"]
