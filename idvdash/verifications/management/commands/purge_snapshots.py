from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from idvdash.verifications.retention import purge_snapshots, purge_webhook_facts


class Command(BaseCommand):
    help = (
        "Clear stored provider detail snapshots, and what processed webhook events kept, "
        "older than DETAIL_SNAPSHOT_RETENTION_DAYS (run it daily from cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep this many days instead (default {settings.DETAIL_SNAPSHOT_RETENTION_DAYS})",
        )

    def handle(self, *args: object, days: int | None, **options: object) -> None:
        try:
            cleared = purge_snapshots(days=days)
            events = purge_webhook_facts(days=days)
        except ValueError as err:
            raise CommandError(str(err)) from err
        self.stdout.write(f"{cleared} detail snapshot(s) cleared.")
        if events:
            self.stdout.write(f"{events} webhook event(s) cleared of what they kept.")
