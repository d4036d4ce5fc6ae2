from django.core.management.base import BaseCommand

from idvdash.verifications.schedule import schedule_due_syncs


class Command(BaseCommand):
    help = "Queue a background sync for each active account whose sync interval has elapsed."

    def handle(self, *args: object, **options: object) -> None:
        queued = schedule_due_syncs()
        if queued and options["verbosity"] > 0:
            names = ", ".join(run.account.name for run in queued)
            self.stdout.write(f"Queued {len(queued)} sync(s): {names}")
