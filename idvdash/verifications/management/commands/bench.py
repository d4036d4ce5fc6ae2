from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from idvdash.verifications.benchmarks import sync_bench
from idvdash.verifications.benchmarks.harness import isolated_database, report

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

    def handle(self, *args: object, **options: object) -> None:
        rows = options["rows"]
        # Django's DEBUG query log would cost time and memory that production never pays.
        settings.DEBUG = False
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
