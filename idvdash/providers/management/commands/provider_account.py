import json
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import ProviderKind
from idvdash.providers.services import AccountInputError, set_account


class Command(BaseCommand):
    help = "Create, update or list provider accounts. Secrets are read from standard input only."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        set_parser = actions.add_parser(
            "set",
            help="Create or update an account from a JSON credentials object on standard input.",
        )
        set_parser.add_argument("name")
        set_parser.add_argument("--kind", required=True, help=", ".join(ProviderKind.values))
        set_parser.add_argument("--base-url", default="")
        set_parser.add_argument("--token-url", default="")
        set_parser.add_argument("--inactive", action="store_true")
        set_parser.add_argument(
            "--credentials",
            required=True,
            choices=["-"],
            help="'-': read the credentials JSON object from standard input",
        )
        actions.add_parser("list", help="List accounts (never their secrets).")

    def handle(self, *args: object, **options: object) -> None:
        if options["action"] == "list":
            self._list()
        else:
            self._set(options)

    def _set(self, options: dict) -> None:
        try:
            credentials = json.loads(sys.stdin.read())
        except json.JSONDecodeError as err:
            # The message names the position only, never the text around it.
            raise CommandError(
                f"credentials are not valid JSON (line {err.lineno}, column {err.colno})"
            ) from None
        try:
            account, created = set_account(
                name=options["name"],
                kind=options["kind"],
                credentials=credentials,
                base_url=options["base_url"],
                token_url=options["token_url"],
                is_active=not options["inactive"],
            )
        except AccountInputError as err:
            raise CommandError(str(err)) from None
        verb = "Created" if created else "Updated"
        self.stdout.write(
            f"{verb} {account.name} ({account.kind}, {account.base_url}); "
            f"credential keys set: {', '.join(account.credential_keys_set())}"
        )

    def _list(self) -> None:
        accounts = ProviderAccount.objects.all()
        if not accounts:
            self.stdout.write("No provider accounts.")
            return
        for account in accounts:
            keys = (
                ", ".join(account.credential_keys_set())
                if account.credentials_readable
                else "UNREADABLE with the configured keys"
            )
            state = "active" if account.is_active else "inactive"
            self.stdout.write(
                f"{account.name}\t{account.kind}\t{state}\t{account.base_url}\tkeys: {keys}"
            )
