"""Encryption of provider credentials at rest (MultiFernet over CREDENTIAL_KEYS)."""

import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class CredentialsUnreadable(Exception):
    """Stored credentials cannot be decrypted with any configured key."""


UNREADABLE_MESSAGE = (
    "Stored credentials cannot be decrypted with any key in CREDENTIAL_KEYS. "
    "Restore the key they were encrypted with, or enter the credentials again."
)


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.CREDENTIAL_KEYS])


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting == "CREDENTIAL_KEYS":
        _fernet.cache_clear()


def encrypt(value: dict[str, str]) -> str:
    """Return the Fernet token for a credentials object, under the first key."""
    return _fernet().encrypt(json.dumps(value, sort_keys=True).encode()).decode("ascii")


def decrypt(token: str) -> dict[str, str]:
    """Return the credentials object in a token; raise CredentialsUnreadable otherwise."""
    try:
        plaintext = _fernet().decrypt(token.encode("ascii"))
    except (InvalidToken, ValueError, UnicodeEncodeError) as err:
        raise CredentialsUnreadable(UNREADABLE_MESSAGE) from err
    value = json.loads(plaintext)
    if not isinstance(value, dict):
        raise CredentialsUnreadable("Stored credentials are not a JSON object.")
    return value


def encrypt_text(text: str) -> str:
    """Return the Fernet token for a secret string (second-factor secrets), under the first key."""
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    """Return the secret string in a token; raise CredentialsUnreadable otherwise."""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError, UnicodeEncodeError) as err:
        raise CredentialsUnreadable(UNREADABLE_MESSAGE) from err


def rotate(token: str) -> str:
    """Re-encrypt a token under the first key (raise CredentialsUnreadable if no key fits)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError, UnicodeEncodeError) as err:
        raise CredentialsUnreadable(UNREADABLE_MESSAGE) from err
