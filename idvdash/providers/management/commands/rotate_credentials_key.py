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
        self.stdout.write(f"Re-encrypted the credentials of {len(rows)} account(s).")
