from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tools.bench import list_bench, picture, sync_bench, trigger_bench, webhook_bench
from tools.bench.harness import isolated_database, report

KINDS = ["idenfy", "equals", "swan", "stora"]


class Command(BaseCommand):
    help = (
        "Measure idvdash against baselines taken in the same run, on a fresh test "
        "database (DATABASE_URL picks SQLite or PostgreSQL). Prints a table and writes JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        suites = parser.add_subparsers(dest="suite", required=True)
        sync_parser = suites.add_parser("sync", help="sync throughput, upsert speed, memory")
        sync_parser.add_argument(
            "--rows", type=int, default=100_000, help="verifications per provider"
        )
        sync_parser.add_argument("--kinds", nargs="+", choices=KINDS, default=KINDS)
        sync_parser.add_argument("--memory-kind", choices=KINDS, default="equals")
        sync_parser.add_argument("--json", type=Path, default=None)
        list_parser = suites.add_parser(
            "list", help="list, detail, search and count on a large seeded mirror"
        )
        list_parser.add_argument("--rows", type=int, default=1_000_000, help="rows to seed")
        list_parser.add_argument("--reps", type=int, default=7, help="repetitions per median")
        list_parser.add_argument("--load-seconds", type=float, default=5.0)
        list_parser.add_argument(
            "--sync-rows", type=int, default=3000, help="rows the concurrent sync writes (SQLite)"
        )
        list_parser.add_argument(
            "--plans-only", action="store_true", help="seed, check plans and query counts only"
        )
        list_parser.add_argument(
            "--reviews", type=int, default=None, help="reviews to seed (default: a tenth of rows)"
        )
        list_parser.add_argument(
            "--queues-only",
            action="store_true",
            help="seed, then measure only the work queues and the SLA filter",
        )
        list_parser.add_argument(
            "--overview-only",
            action="store_true",
            help="seed, then measure only the Overview against /healthz and a direct count",
        )
        list_parser.add_argument("--json", type=Path, default=None)
        hooks_parser = suites.add_parser(
            "webhooks", help="a burst of signed deliveries: receive, store, process once"
        )
        hooks_parser.add_argument("--events", type=int, default=10_000, help="distinct events")
        hooks_parser.add_argument("--senders", type=int, default=8, help="concurrent senders")
        hooks_parser.add_argument("--workers", type=int, default=2, help="db_worker processes")
        hooks_parser.add_argument("--json", type=Path, default=None)
        triggers_parser = suites.add_parser(
            "triggers", help="what the figures' version costs the mirror's inserts"
        )
        triggers_parser.add_argument("--rows", type=int, default=10_000)
        triggers_parser.add_argument("--reps", type=int, default=5)
        triggers_parser.add_argument("--json", type=Path, default=None)
        picture_parser = suites.add_parser(
            "picture",
            help="a large iDenfy account's first full picture under its real limit, simulated",
        )
        picture_parser.add_argument("--rows", type=int, default=1_000_000)
        picture_parser.add_argument("--json", type=Path, default=None)

    def handle(self, *args: object, **options: object) -> None:
        # Django's DEBUG query log would cost time and memory that production never pays.
        settings.DEBUG = False
        if options["suite"] == "list":
            self.handle_list(options)
            return
        if options["suite"] == "webhooks":
            self.handle_webhooks(options)
            return
        if options["suite"] == "picture":
            self.handle_picture(options)
            return
        if options["suite"] == "triggers":
            self.handle_triggers(options)
            return
        rows = options["rows"]
        with isolated_database() as vendor:
            figures = sync_bench.run_sync_figures(kinds=options["kinds"], rows=rows)
            figures.append(sync_bench.run_memory_figure(kind=options["memory_kind"], rows=rows))
            out = (
                options["json"]
                or Path(settings.BASE_DIR) / "bench-results" / f"sync-{vendor}-{rows}.json"
            )
            self.stdout.write(
                report(
                    figures,
                    title=f"bench sync: {rows} rows per provider, {vendor}",
                    out=out,
                    context=sync_bench.context(rows),
                )
            )
        if not all(f.passed for f in figures):
            self.stdout.write("Some figures missed their target.")

    def handle_list(self, options: dict) -> None:
        rows = options["rows"]
        with isolated_database() as vendor:
            figures, plans, info = list_bench.run(
                rows=rows,
                reps=options["reps"],
                load_seconds=options["load_seconds"],
                sync_rows=options["sync_rows"],
                plans_only=options["plans_only"],
                reviews=options["reviews"],
                queues_only=options["queues_only"],
                overview_only=options["overview_only"],
            )
            if plans:
                figures.insert(0, list_bench.plan_figure(plans))
            out = (
                options["json"]
                or Path(settings.BASE_DIR) / "bench-results" / f"list-{vendor}-{rows}.json"
            )
            context = {**sync_bench.context(rows), **info, "plans": plans}
            self.stdout.write(
                report(
                    figures, title=f"bench list: {rows} rows, {vendor}", out=out, context=context
                )
            )
            for plan in plans:
                if plan["problems"]:
                    self.stdout.write(f"{plan['query']}: {', '.join(plan['problems'])}")
                    self.stdout.write("    " + plan["plan"].replace("\n", "\n    "))
        if not all(f.passed for f in figures):
            self.stdout.write("Some figures missed their target.")

    def handle_triggers(self, options: dict) -> None:
        rows = options["rows"]
        with isolated_database() as vendor:
            figures = trigger_bench.run(rows=rows, reps=options["reps"])
        out = (
            options["json"]
            or Path(settings.BASE_DIR) / "bench-results" / f"triggers-{vendor}-{rows}.json"
        )
        title = f"bench triggers: {rows} rows, {vendor}, median of {options['reps']}"
        self.stdout.write(report(figures, title=title, out=out, context={"rows": rows}))
        if not all(f.passed for f in figures):
            self.stdout.write("Some figures missed their target.")

    def handle_picture(self, options: dict) -> None:
        rows = options["rows"]
        with isolated_database() as vendor:
            figures, info = picture.run(rows=rows)
        out = (
            options["json"]
            or Path(settings.BASE_DIR) / "bench-results" / f"picture-{vendor}-{rows}.json"
        )
        title = f"bench picture: first full picture of {rows:,} iDenfy rows, simulated clock"
        self.stdout.write(report(figures, title=title, out=out, context=info))
        for label in ("without webhooks", "with webhooks"):
            phases = "; ".join(
                f"{p['name']}: {p['requests']:,} requests, {p['hours']:,} h"
                for p in info[label]["phases"]
            )
            self.stdout.write(f"{label}: {info[label]['days']} days ({phases})")
        if not all(f.passed for f in figures):
            self.stdout.write("Some figures missed their target.")

    def handle_webhooks(self, options: dict) -> None:
        events = options["events"]
        with isolated_database() as vendor:
            figures, info = webhook_bench.run(
                events=events, senders=options["senders"], workers=options["workers"]
            )
            out = (
                options["json"]
                or Path(settings.BASE_DIR) / "bench-results" / f"webhooks-{vendor}-{events}.json"
            )
            context = {**sync_bench.context(events), **info}
            title = (
                f"bench webhooks: {info['events']} events in {info['deliveries']} deliveries, "
                f"{info['senders']} senders, {vendor}"
            )
            self.stdout.write(report(figures, title=title, out=out, context=context))
        if not all(f.passed for f in figures):
            self.stdout.write("Some figures missed their target.")
        if lost := webhook_bench.failed(figures):
            raise CommandError(
                "Lost, stored twice or processed twice: " + ", ".join(f.name for f in lost)
            )
