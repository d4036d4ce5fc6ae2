"""EncryptedJSONField: a JSON object stored as a Fernet token."""

from typing import Any

from django.db import models

from . import crypto


class SealedCredentials:
    """Credentials that could not be decrypted.

    Reading any key raises CredentialsUnreadable, so ciphertext is never used
    as a credential; saving the row writes the original token back unchanged,
    so editing other fields of the account loses nothing.
    """

    def __init__(self, token: str) -> None:
        self.token = token

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise crypto.CredentialsUnreadable(crypto.UNREADABLE_MESSAGE)

    __getitem__ = get = keys = items = values = __iter__ = __contains__ = __len__ = _refuse

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "<SealedCredentials: unreadable with the configured keys>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SealedCredentials) and other.token == self.token

    __hash__ = None  # type: ignore[assignment]


class EncryptedJSONField(models.TextField):
    """A dict of strings, encrypted with CREDENTIAL_KEYS before it reaches the database."""

    description = "Encrypted JSON object"

    def from_db_value(self, value: str | None, expression: object, connection: object) -> Any:
        if value is None:
            return value
        try:
            return crypto.decrypt(value)
        except crypto.CredentialsUnreadable:
            return SealedCredentials(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, SealedCredentials):
            return value.token
        return crypto.encrypt(dict(value))

    def value_to_string(self, obj: models.Model) -> str:
        # Serialisation (dumpdata) carries ciphertext, never plaintext.
        return self.get_prep_value(self.value_from_object(obj)) or ""
