from django.core.management.base import BaseCommand, CommandError

from idvdash.retention import purge


class Command(BaseCommand):
    help = (
        "Run the retention purge now: every kind of data whose retention has passed "
        "(the scheduler queues it once a day by itself). Prints what each kind lost; "
        "exit status 1 if a step failed (the others still ran)."
    )

    def handle(self, *args: object, **options: object) -> None:
        done = purge.run()
        for kind, removed in done.counts.items():
            self.stdout.write(f"{kind}: {removed}")
        for kind, error in done.errors.items():
            self.stderr.write(f"{kind}: failed. {error}")
        if done.errors:
            raise CommandError(f"{len(done.errors)} purge step(s) failed (purge run {done.pk}).")
