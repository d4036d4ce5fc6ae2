"""`python manage.py runsandbox`: serve the provider sandbox in the foreground."""

import json
from argparse import ArgumentParser
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from idvdash.sandbox.clock import DEFAULT_ANCHOR
from idvdash.sandbox.credentials import (
    SANDBOX_CREDENTIALS,
    SANDBOX_STORA_ACCESS_TOKEN,
    SANDBOX_WEBHOOK_SECRETS,
)
from idvdash.sandbox.server import SandboxServer


class Command(BaseCommand):
    help = "Serve the iDenfy, Equals Money, Swan and Stora simulators on one local port."

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Declare the command's options."""
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument(
            "--size", type=int, default=200, help="verifications per provider at the anchor time"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--anchor",
            default=None,
            help="simulated 'now' at start, ISO 8601 (default "
            f"{DEFAULT_ANCHOR.isoformat()}; 'today' for the current time)",
        )
        parser.add_argument(
            "--realtime", action="store_true", help="let simulated time run with the wall clock"
        )
        parser.add_argument(
            "--rate-limits",
            action="store_true",
            help="answer 429, as each provider does, beyond its documented request limits",
        )
        parser.add_argument(
            "--fault",
            action="append",
            default=[],
            metavar="PROVIDER:ENDPOINT:FAULT[:TIMES]",
            help="arm a fault at start (repeatable; no TIMES = forever)",
        )
        parser.add_argument(
            "--webhook",
            action="append",
            default=[],
            metavar="KIND=URL",
            help="send KIND's webhook events to URL (repeatable), signed with the kind's "
            "sandbox webhook secret unless --webhook-secret names another",
        )
        parser.add_argument(
            "--webhook-secret",
            action="append",
            default=[],
            metavar="KIND=SECRET",
            help="the secret for KIND's webhooks (repeatable)",
        )
        parser.add_argument(
            "--webhook-retry-scale",
            type=float,
            default=60.0,
            help="divide the providers' documented retry delays by this (default 60: "
            "seconds instead of minutes)",
        )

    def handle(self, *args: object, **options: object) -> None:
        """Serve until interrupted."""
        anchor = DEFAULT_ANCHOR
        if options["anchor"] == "today":
            anchor = datetime.now(UTC).replace(microsecond=0)
        elif options["anchor"]:
            try:
                anchor = datetime.fromisoformat(str(options["anchor"])).astimezone(UTC)
            except ValueError as exc:
                raise CommandError(f"--anchor: {exc}") from exc
        try:
            server = SandboxServer(
                host=str(options["host"]),
                port=int(options["port"]),
                size=int(options["size"]),
                seed=int(options["seed"]),
                anchor=anchor,
                realtime=bool(options["realtime"]),
                rate_limits=bool(options["rate_limits"]),
            )
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        try:
            for spec in options["fault"]:
                server.faults.add_spec(str(spec))
        except ValueError as exc:
            server.stop()
            raise CommandError(f"--fault: {exc}") from exc
        try:
            secrets = dict(_pairs(options["webhook_secret"], "KIND=SECRET"))
            server.webhooks.configure(retry_scale=float(options["webhook_retry_scale"]))
            for kind, url in _pairs(options["webhook"], "KIND=URL"):
                server.webhooks.target(kind, url, secrets.get(kind))
        except ValueError as exc:
            server.stop()
            raise CommandError(f"--webhook: {exc}") from exc
        self._announce(server)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("stopped")

    def _announce(self, server: SandboxServer) -> None:
        write = self.stdout.write
        write(
            f"Provider sandbox on {server.url}  (size {server.dataset.size}, "
            f"seed {server.dataset.seed}, now {server.clock.now().isoformat()})"
        )
        for kind, base_url in server.base_urls.items():
            token = server.token_urls.get(kind)
            write(f"  {kind:<7} base_url  {base_url}")
            if token:
                write(f"          token_url {token}")
            write(f"          credentials {json.dumps(SANDBOX_CREDENTIALS[kind])}")
        write(f"  stora long-lived access token: {SANDBOX_STORA_ACCESS_TOKEN}")
        write(
            f"  control: {server.url}/_control/health, /_control/faults, /_control/clock, "
            "/_control/webhooks, /_control/rate_limits"
        )
        enforced = "enforced" if server.rate_limits.enforce else "not enforced (--rate-limits)"
        write(f"  the providers' documented rate limits: {enforced}")
        for target in server.webhooks.targets():
            kind = str(target["kind"])
            secret = SANDBOX_WEBHOOK_SECRETS[kind]
            shown = secret if str(target["secret"]).endswith(secret[-4:]) else target["secret"]
            write(f"  webhooks: {kind} -> {target['url']}  secret {shown}")
        for armed in server.faults.active():
            write(
                f"  fault armed: {armed.provider}:{armed.endpoint}:{armed.fault} "
                f"x{armed.times or 'forever'}"
            )
        write("Quit with CONTROL-C.")
        self.stdout.flush()


def _pairs(specs: object, form: str) -> list[tuple[str, str]]:
    """Split `KIND=VALUE` options."""
    pairs = []
    for spec in specs:  # type: ignore[attr-defined]
        kind, sep, value = str(spec).partition("=")
        if not sep or not kind or not value:
            raise ValueError(f"expected {form}, got {spec!r}")
        pairs.append((kind, value))
    return pairs
