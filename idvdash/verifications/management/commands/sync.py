from django.core.management.base import BaseCommand, CommandError, CommandParser

from idvdash.providers.models import ProviderAccount
from idvdash.verifications import sync
from idvdash.verifications.models import SyncRun


def summary(run: SyncRun) -> str:
    """One line per account, for people and for cron mail."""
    seconds = run.duration.total_seconds() if run.duration else 0.0
    counts = (
        f"{run.pages} pages, {run.created} created, {run.updated} updated, "
        f"{run.unchanged} unchanged, {run.missing} missing, {seconds:.1f}s"
    )
    resumed = ", resumed" if run.resumed else ""
    if run.state == SyncRun.State.SUCCEEDED:
        note = f": {run.note}" if run.note else ""
        return f"{run.account.name}: ok ({counts}{resumed}){note}"
    return f"{run.account.name}: FAILED ({counts}{resumed}): {run.error}"


class Command(BaseCommand):
    help = "Sync provider accounts now, in the foreground (default: every active account)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", metavar="NAME", help="account names")

    def handle(self, *args: object, names: list[str], **options: object) -> None:
        if names:
            accounts = list(ProviderAccount.objects.filter(name__in=names))
            unknown = sorted(set(names) - {a.name for a in accounts})
            if unknown:
                raise CommandError(f"no such account: {', '.join(unknown)}")
        else:
            accounts = list(ProviderAccount.objects.filter(is_active=True))
            if not accounts:
                self.stdout.write("No active provider accounts to sync.")
                return
        failed = 0
        for account in accounts:
            try:
                run = sync.sync_account(account=account, trigger="command")
            except sync.SyncRefused as err:
                failed += 1
                self.stdout.write(f"{account.name}: REFUSED: {err}")
                continue
            failed += run.state != SyncRun.State.SUCCEEDED
            self.stdout.write(summary(run))
        if failed:
            raise CommandError(f"{failed} of {len(accounts)} account(s) did not sync", returncode=1)
