from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import TextField, Value
from django.db.models.functions import Cast

from idvdash.providers import crypto
from idvdash.providers.models import ProviderAccount


class Command(BaseCommand):
    help = (
        "Re-encrypt every account's credentials under the first key in CREDENTIAL_KEYS. "
        "Put the new key first, run this, then drop the old key."
    )

    def handle(self, *args: object, **options: object) -> None:
        with transaction.atomic():
            # Work on the ciphertext as stored; the plaintext never leaves Fernet.
            rows = list(
                ProviderAccount.objects.select_for_update()
                .order_by("pk")
                .annotate(token=Cast("credentials", TextField()))
                .values_list("pk", "name", "token")
            )
            rotated, unreadable = {}, []
            for pk, name, token in rows:
                try:
                    rotated[pk] = crypto.rotate(token)
                except crypto.CredentialsUnreadable:
                    unreadable.append(name)
            if unreadable:
                raise CommandError(
                    "Nothing was changed: no key in CREDENTIAL_KEYS decrypts the credentials of "
                    + ", ".join(unreadable)
                    + ". Add the key they were encrypted with, then run this again."
                )
            for pk, token in rotated.items():
                ProviderAccount.objects.filter(pk=pk).update(
                    credentials=Value(token, output_field=TextField())
                )
            factors = rotate_second_factor_secrets()
        self.stdout.write(f"Re-encrypted the credentials of {len(rows)} account(s).")
        self.stdout.write(f"Re-encrypted the secrets of {factors} second factor(s).")


# The encrypted entries of a second factor's data (allauth.mfa, see MFAAdapter).
SECRET_KEYS = ("secret", "seed")


def rotate_second_factor_secrets() -> int:
    """Re-encrypt every TOTP key and recovery-code seed under the first key; return how many."""
    from allauth.mfa.models import Authenticator

    factors = list(Authenticator.objects.select_for_update().order_by("pk"))
    changed = []
    for factor in factors:
        data = dict(factor.data or {})
        keys = [key for key in SECRET_KEYS if isinstance(data.get(key), str)]
        try:
            data.update({key: crypto.rotate(data[key]) for key in keys})
        except crypto.CredentialsUnreadable:
            raise CommandError(
                "Nothing was changed: no key in CREDENTIAL_KEYS decrypts the second factor "
                f"{factor.pk} ({factor.type}). Add the key it was encrypted with, then run this again."
            ) from None
        if keys:
            factor.data = data
            changed.append(factor)
    Authenticator.objects.bulk_update(changed, ["data"])
    return len(changed)
