import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from idvdash.verifications import sync
from idvdash.verifications.management.commands.sync import summary
from idvdash.verifications.schedule import schedule_due_syncs
from idvdash.verifications.webhooks import queue_due
from tools.demo import (
    SANDBOX_PATHS,
    demo_account_name,
    demo_second_factor_hint,
    ensure_demo_accounts,
    ensure_demo_second_factor,
    ensure_demo_users,
)
from tools.processes import healthy, wait_until_healthy

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")
PACE_EVERY = 10


class Command(BaseCommand):
    help = (
        "Run the local demo: the provider sandbox, four demo accounts synced from it, "
        "a background worker, the scheduler, and the dashboard with printed logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="where to serve the dashboard")
        parser.add_argument("--sandbox-port", type=int, default=8001)
        parser.add_argument("--size", type=int, default=300, help="verifications per provider")
        parser.add_argument("--no-serve", action="store_true", help="set up and sync, then exit")
        parser.add_argument(
            "--pace",
            type=int,
            default=300,
            help="simulated seconds the sandbox's clock moves every 10 s (0: it stands still)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo is for local use: run it with DEBUG on.")
        call_command("migrate", interactive=False, verbosity=0)
        logins = ensure_demo_users()
        totp_secret = ensure_demo_second_factor()
        children: list[subprocess.Popen] = []
        try:
            root = self._start_sandbox(
                children, port=options["sandbox_port"], size=options["size"], addr=options["addr"]
            )
            self.stdout.write(f"Provider sandbox: {root} (size {options['size']} per provider)")
            for account in ensure_demo_accounts(sandbox_root=root):
                try:
                    self.stdout.write(summary(sync.sync_account(account=account, trigger="demo")))
                except sync.SyncRefused as err:
                    self.stdout.write(str(err))
            if not options["no_serve"]:
                children.append(self._spawn("db_worker", "--interval", "1"))
                threading.Thread(target=_schedule_forever, daemon=True).start()
                if options["pace"] > 0:
                    threading.Thread(
                        target=_move_the_providers_clock, args=(root, options["pace"]), daemon=True
                    ).start()
                    self.stdout.write(
                        f"The sandbox's clock moves {options['pace']} s every {PACE_EVERY} s; "
                        "what changes there arrives here by webhook."
                    )
            self.stdout.write(self.style.SUCCESS(f"\nidvdash demo: http://{options['addr']}/"))
            for login in logins:
                self.stdout.write(f"  {login.username} / {login.password}   ({login.role})")
            self.stdout.write(demo_second_factor_hint(totp_secret))
            self.stdout.write("")
            if not options["no_serve"]:
                call_command("runserver", options["addr"], use_reloader=False)
        finally:
            for child in children:
                child.terminate()
            for child in children:
                child.wait(timeout=10)

    def _spawn(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, MANAGE, *args])  # noqa: S603

    def _start_sandbox(self, children: list, *, port: int, size: int, addr: str) -> str:
        root = f"http://127.0.0.1:{port}"
        health = f"{root}/_control/health"
        if healthy(health):
            raise CommandError(
                f"Port {port} is already in use; pass --sandbox-port to use another one."
            )
        hooks = [
            f"--webhook={kind}=http://{addr}/webhooks/{demo_account_name(kind)}/"
            for kind in SANDBOX_PATHS
        ]
        # The providers' documented rate limits hold, as they would at the providers.
        command = ["runsandbox", "--port", str(port), "--size", str(size), "--rate-limits"]
        # Its records were created over the half year up to today, so the Overview's
        # periods (the last 7, 30, 90 days) hold some.
        command += ["--anchor", "today"]
        children.append(self._spawn(*command, *hooks))
        try:
            wait_until_healthy(health, process=children[-1], name="sandbox", timeout=30)
        except RuntimeError:
            raise CommandError(f"The provider sandbox did not start on port {port}.") from None
        return root


def _schedule_forever() -> None:
    """What cron does in production: queue due syncs and webhook retries every minute."""
    while True:
        time.sleep(60)
        schedule_due_syncs()
        queue_due()


def _move_the_providers_clock(root: str, seconds: int) -> None:
    """Let the sandbox's records change, so its webhooks reach the demo by themselves."""
    while True:
        time.sleep(PACE_EVERY)
        with contextlib.suppress(requests.RequestException):
            requests.post(f"{root}/_control/clock", json={"advance": seconds}, timeout=5)
