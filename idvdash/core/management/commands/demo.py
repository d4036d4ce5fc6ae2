from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from idvdash.core.demo import ensure_demo_users


class Command(BaseCommand):
    help = "Set up the local demo (database, demo logins) and serve the dashboard."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Set everything up, then exit.")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo is for local use: run it with DEBUG on.")
        call_command("migrate", interactive=False, verbosity=0)
        logins = ensure_demo_users()
        self.stdout.write(self.style.SUCCESS(f"\nidvdash demo: http://{options['addr']}/"))
        for login in logins:
            self.stdout.write(f"  {login.username} / {login.password}   ({login.role})")
        self.stdout.write("")
        if not options["no_serve"]:
            call_command("runserver", options["addr"], use_reloader=False)
