from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tools.demo import current_totp_code


class Command(BaseCommand):
    help = "Print the demo admin's current authenticator-app code (make demo only)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo is for local use: run it with DEBUG on.")
        self.stdout.write(current_totp_code())
