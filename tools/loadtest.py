"""R15, reviewers under load: gunicorn on loopback, a sync writing, N reviewers reading.

    python -m tools.loadtest --duration 60 --reviewers 20    (`make loadtest`)

Builds a throw-away production-like setup in a temporary directory (DEBUG off, SQLite
file or an empty PostgreSQL database, the provider sandbox on loopback, gunicorn as
idvdash/gunicorn_conf.py configures it), then measures:

- idle: one reviewer, nothing else running, before and after the load (pooled, so a
  machine that gets slower or faster during the run moves both sides alike);
- loaded: the reviewers and a sync writer running at once.

The engine: a temporary SQLite file by default; when DATABASE_URL names PostgreSQL, a
database of its own beside that one (`<name>_load`, created empty and dropped after);
--database-url names an empty database to fill instead.

Prints its figures as `[R15]` lines. Exits 1 on any error or lost request, or when no
sync wrote during the load; the p95 ratio loaded/idle is reported against its target
(RATIO_TARGET) and never fails the run: it depends on the machine (1.5x to 2.2x on
2 shared cores). Loopback only; bounded in time.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from tools.bench.load import production_server
from tools.processes import free_port, sandbox_process

ROOT = Path(__file__).resolve().parents[1]
RATIO_TARGET = 3.0  # loaded p95 / idle p95: reported, never failing
IDLE_SECONDS = 8.0  # before the load, and again after it
WARM_UP_SECONDS = 3.0
# A reviewer reads what a page shows before the next click: about a second at the least.
THINK_SECONDS = (0.5, 1.5)
HTMX = {"HX-Request": "true", "HX-Current-URL": "/verifications/"}


def production_env(workdir: Path, database_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO")},
        "DJANGO_SETTINGS_MODULE": "idvdash.settings",
        "DEBUG": "false",
        "IDVDASH_DEV_APPS": "false",
        "SECRET_KEY": "load-test-" + Fernet.generate_key().decode(),
        "CREDENTIAL_KEYS": Fernet.generate_key().decode(),
        "MATCH_KEYS": "load:" + Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'load.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie; NaN when there are none."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


class Reviewer(threading.Thread):
    """Lists, filters and opens verifications until told to stop."""

    def __init__(
        self, base: str, cookie: str, ids: list[int], stop: threading.Event, seed: int, think: bool
    ):
        super().__init__(daemon=True)
        import requests

        self.session = requests.Session()
        self.session.headers["Cookie"] = cookie  # the cookie is Secure; we speak plain HTTP
        self.base, self.ids, self.stop, self.think = base, ids, stop, think
        self.random = random.Random(seed)  # noqa: S311 - choosing pages, not secrets
        self.timings: list[float] = []
        self.by_page: dict[str, list[float]] = {}
        self.errors: list[str] = []

    def request(self) -> tuple[str, str, dict[str, str]]:
        """Return what the next click asks for: (page, url, headers), as the browser sends it."""
        roll = self.random.random()
        if roll < 0.4:
            return "list", "/verifications/", {}
        if roll < 0.7:
            # Changing a filter swaps the results in place: an htmx request.
            outcome = self.random.choice(["approved", "declined", "pending"])
            return "filter", f"/verifications/?outcome={outcome}", HTMX
        return "detail", f"/verifications/{self.random.choice(self.ids)}/", {}

    def run(self) -> None:
        if self.think:
            # People do not all click at the same instant: the first click comes some
            # time within one think time, as every later one does.
            self.stop.wait(self.random.uniform(0, THINK_SECONDS[1]))
        while not self.stop.is_set():
            page, url, headers = self.request()
            started = time.perf_counter()
            try:
                response = self.session.get(
                    self.base + url, headers=headers, timeout=30, allow_redirects=False
                )
            except Exception as err:
                self.errors.append(f"{url}: {type(err).__name__}")
                continue
            self.timings.append(time.perf_counter() - started)
            self.by_page.setdefault(page, []).append(self.timings[-1])
            if response.status_code != 200:
                self.errors.append(f"{url}: HTTP {response.status_code}")
            if self.think:
                self.stop.wait(self.random.uniform(*THINK_SECONDS))


def run_phase(
    base, cookie, ids, *, reviewers: int, seconds: float, think: bool = True
) -> tuple[list, list, dict]:
    """Return the response times, errors and times by page of `reviewers` readers over `seconds`."""
    stop = threading.Event()
    threads = [Reviewer(base, cookie, ids, stop, seed, think) for seed in range(reviewers)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    by_page: dict[str, list[float]] = {}
    for thread in threads:
        for page, times in thread.by_page.items():
            by_page.setdefault(page, []).extend(times)
    # A reviewer still waiting a minute after the end lost its request.
    lost = [
        f"reviewer {n}: request lost (no answer)" for n, th in enumerate(threads) if th.is_alive()
    ]
    return (
        [t for th in threads for t in th.timings],
        [e for th in threads for e in th.errors] + lost,
        by_page,
    )


def sync_writer(seconds: float) -> int:
    """Re-sync every account back to back (full re-scans) for `seconds`; print each state."""
    import django

    django.setup()
    import signal

    from idvdash.providers.models import ProviderAccount
    from idvdash.verifications import sync

    deadline = time.monotonic() + seconds
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    while not stopped.is_set() and time.monotonic() < deadline:
        for account in ProviderAccount.objects.all():
            account.sync_checkpoint = {}
            account.save(update_fields=["sync_checkpoint"])
            print(sync.sync_account(account=account).state, flush=True)
            if stopped.is_set():
                break
    return 0


@contextmanager
def sync_writing(env: dict[str, str], *, seconds: float) -> Iterator[list[str]]:
    """Run sync_writer in a process of its own for the block; yield the states it reports.

    The list fills in when the block ends (the writer is stopped and read then).
    """
    states: list[str] = []
    writer = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tools.loadtest", "--sync-writer", str(seconds)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield states
    finally:
        writer.terminate()
        states.extend((writer.communicate(timeout=120)[0] or "").split())


@contextmanager
def fresh_database(database_url: str) -> Iterator[str]:
    """An empty PostgreSQL database beside `database_url`'s, dropped after; '' otherwise.

    '' leaves the engine to the load test's default, a temporary SQLite file.
    """
    import environ

    config = environ.Env.db_url_config(database_url) if database_url else {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        yield ""
        return
    import psycopg

    name = f"{config['NAME']}_load"
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    server = f"{config.get('USER') or 'postgres'}{password}@{config.get('HOST') or '127.0.0.1'}:{config.get('PORT') or 5432}"
    with psycopg.connect(f"postgresql://{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgres://{server}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--size", type=int, default=2000, help="verifications per provider")
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty database to fill (default: a temporary SQLite file, or a fresh "
        "PostgreSQL database beside DATABASE_URL's when it names PostgreSQL), e.g. "
        "postgres://postgres@127.0.0.1:5432/idvdash_load",
    )
    parser.add_argument(
        "--without-sync",
        action="store_true",
        help="reviewers only: tells their own contention apart from the sync's",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn_conf)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: gunicorn_conf)")
    return parser.parse_args(argv)


@dataclass
class Figures:
    """What one run measured. `syncs` is None when it ran --without-sync."""

    reviewers: int
    duration: float
    idle_before: list[float]
    idle_after: list[float]
    loaded: list[float]
    idle_pages: dict[str, list[float]]
    load_pages: dict[str, list[float]]
    syncs: list[str] | None
    errors: list[str]

    @property
    def idle(self) -> list[float]:
        return self.idle_before + self.idle_after

    @property
    def ratio(self) -> float:
        return percentile(self.loaded, 0.95) / percentile(self.idle, 0.95)

    @property
    def failures(self) -> list[str]:
        """Every error, each sync that did not succeed, and no sync at all."""
        if self.syncs is None:
            return self.errors
        failed = [f"sync {state}" for state in self.syncs if state != "succeeded"]
        none = [] if self.syncs else ["no sync wrote during the load"]
        return self.errors + failed + none


def ms(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction) * 1000:.1f} ms"


def report(figures: Figures) -> list[str]:
    """The run's figures, one `[R15]` line each."""
    f = figures
    lines = [
        f"idle:   {len(f.idle)} requests, p50 {ms(f.idle, 0.5)}, p95 {ms(f.idle, 0.95)}"
        f" (before the load {ms(f.idle_before, 0.95)}, after it {ms(f.idle_after, 0.95)})",
        f"loaded: {len(f.loaded)} requests by {f.reviewers} reviewers in {f.duration:.0f} s,"
        f" p50 {ms(f.loaded, 0.5)}, p95 {ms(f.loaded, 0.95)}",
    ]
    for page in sorted(f.load_pages):
        idle_page = ms(f.idle_pages.get(page, [0.0]), 0.95)
        lines.append(f"  {page:<7} p95 idle {idle_page}, loaded {ms(f.load_pages[page], 0.95)}")
    if f.syncs is None:
        lines.append("syncs during the load: none (--without-sync)")
    else:
        lines.append(
            f"syncs during the load: {len(f.syncs)} ({f.syncs.count('succeeded')} succeeded)"
        )
    met = "met" if f.ratio <= RATIO_TARGET else "not met"
    lines.append(f"p95 ratio loaded/idle: {f.ratio:.2f}x (target <= {RATIO_TARGET:g}x: {met})")
    failures = f.failures
    lines.append(f"errors: {len(failures)}" + (f" e.g. {failures[:5]}" if failures else ""))
    return [f"[R15] {line}" for line in lines]


def exit_status(figures: Figures) -> int:
    """1 on any error, lost request or failed (or missing) sync; the ratio never fails."""
    return 1 if figures.failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) == 2 and argv[0] == "--sync-writer":
        return sync_writer(float(argv[1]))
    args = parse_args(argv)
    with ExitStack() as stack:
        if not args.database_url:
            args.database_url = stack.enter_context(
                fresh_database(os.environ.get("DATABASE_URL", ""))
            )
        figures = measure(args)
    print("\n".join(report(figures)), flush=True)
    return exit_status(figures)


def measure(args: argparse.Namespace) -> Figures:
    """Set everything up, run the three phases and return what they measured."""
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="idvdash-load-")))
        env = production_env(workdir, args.database_url)
        os.environ.update(env)
        import django

        django.setup()
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.sessions.backends.db import SessionStore
        from django.core.management import call_command

        from idvdash.core.middleware import mark_signed_in
        from idvdash.verifications import sync
        from idvdash.verifications.models import Verification
        from tools.demo import ensure_demo_accounts

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        # The sandbox and the sync writer run in processes of their own, as a provider
        # and a worker do in production: only the reviewers share this process. The
        # sandbox stands in for a provider on another machine, so it yields the CPU to
        # what is measured here (nice 19); the writer competes at normal priority.
        sandbox_url = stack.enter_context(
            sandbox_process(size=args.size, seed=7, realtime=True, background=True)
        )
        accounts = ensure_demo_accounts(sandbox_root=sandbox_url)
        for account in accounts:
            # The writer syncs back to back, as fast as idvdash writes, not as fast as
            # the providers' budgets would allow: the sandbox here enforces none.
            account.rate_limits = []
            account.save(update_fields=["rate_limits"])
            sync.sync_account(account=account)
        ids = list(Verification.objects.values_list("pk", flat=True))

        user = get_user_model().objects.create_user("load-reviewer")
        user.groups.add(Group.objects.get(name="Reviewers"))
        # Production requires a second factor of every password account (it was given at
        # sign-in); without one every page would send the reviewer to enrol.
        TOTP.activate(user, generate_totp_secret())
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[-1]
        session["_auth_user_hash"] = user.get_session_auth_hash()

        class _Request:
            pass

        request = _Request()
        request.session = session
        mark_signed_in(request)
        session.create()
        cookie = f"sessionid={session.session_key}"

        base = stack.enter_context(
            production_server(
                port=free_port(), environment=env, workers=args.workers, threads=args.threads
            )
        )
        # Warm-up: two at once, so that every worker has served every kind of page.
        run_phase(base, cookie, ids, reviewers=2, seconds=WARM_UP_SECONDS, think=False)
        # Idle: one reviewer, nothing else running, back to back for enough samples.
        idle_before, idle_errors, idle_pages = run_phase(
            base, cookie, ids, reviewers=1, seconds=IDLE_SECONDS, think=False
        )

        writing = (
            nullcontext([])
            if args.without_sync
            else sync_writing(env, seconds=args.duration + IDLE_SECONDS)
        )
        with writing as syncs:
            loaded, load_errors, load_pages = run_phase(
                base, cookie, ids, reviewers=args.reviewers, seconds=args.duration
            )
        idle_after, after_errors, after_pages = run_phase(
            base, cookie, ids, reviewers=1, seconds=IDLE_SECONDS, think=False
        )

    for page, times in after_pages.items():
        idle_pages.setdefault(page, []).extend(times)
    return Figures(
        reviewers=args.reviewers,
        duration=args.duration,
        idle_before=idle_before,
        idle_after=idle_after,
        loaded=loaded,
        idle_pages=idle_pages,
        load_pages=load_pages,
        syncs=None if args.without_sync else syncs,
        errors=idle_errors + load_errors + after_errors,
    )


if __name__ == "__main__":
    sys.exit(main())
