from django.core.management.base import BaseCommand

from idvdash.verifications.schedule import schedule_due_syncs
from idvdash.verifications.webhooks import queue_due


class Command(BaseCommand):
    help = (
        "Queue a background sync for each active account whose sync interval has elapsed, "
        "and the retry of each failed webhook event whose backoff has passed."
    )

    def handle(self, *args: object, **options: object) -> None:
        queued = schedule_due_syncs()
        if queued and options["verbosity"] > 0:
            names = ", ".join(run.account.name for run in queued)
            self.stdout.write(f"Queued {len(queued)} sync(s): {names}")
        retried = queue_due()
        if retried and options["verbosity"] > 0:
            self.stdout.write(f"Queued {retried} webhook event(s) for another attempt.")
