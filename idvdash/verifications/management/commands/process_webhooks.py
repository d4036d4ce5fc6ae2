from django.core.management.base import BaseCommand, CommandError

from idvdash.verifications.webhooks import process_due


class Command(BaseCommand):
    help = (
        "Process every stored webhook event that is not processed yet, in the foreground, "
        "whatever its backoff; exit 1 if any failed (they stay stored, with their error)."
    )

    def handle(self, *args: object, **options: object) -> None:
        ok, failed = process_due(everything=True)
        self.stdout.write(f"Processed {ok} webhook event(s); {failed} failed.")
        if failed:
            raise CommandError(f"{failed} webhook event(s) failed; see Sync or the admin.")
