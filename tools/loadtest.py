"""Reviewers under load: gunicorn on loopback, a sync writing, N reviewers reading.

    python -m tools.loadtest --duration 60 --reviewers 20    (`make loadtest`)

Builds a throw-away production-like setup in a temporary directory (DEBUG off, SQLite
file or an empty PostgreSQL database, the provider sandbox on loopback, gunicorn as
idvdash/gunicorn_conf.py configures it), then measures:

- idle: one reviewer, nothing else running, before and after the load (pooled, so a
  machine that gets slower or faster during the run moves both sides alike);
- loaded: the reviewers and a sync writer running at once.

Exits 1 on any error or when the loaded p95 exceeds RATIO_LIMIT times the idle p95.
Loopback only; bounded in time.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from pathlib import Path

from tools.bench.load import production_server
from tools.processes import free_port, sandbox_process

ROOT = Path(__file__).resolve().parents[1]
RATIO_LIMIT = 3.0
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
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url or f"sqlite:///{workdir / 'load.sqlite3'}",
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
    }


def percentile(values: list[float], fraction: float) -> float:
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
    return (
        [t for th in threads for t in th.timings],
        [e for th in threads for e in th.errors],
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


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--sync-writer":
        return sync_writer(float(sys.argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--size", type=int, default=2000, help="verifications per provider")
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty database to fill (default: a temporary SQLite file); PostgreSQL "
        "as in production, e.g. postgres://postgres@127.0.0.1:5432/idvdash_load",
    )
    parser.add_argument(
        "--without-sync",
        action="store_true",
        help="reviewers only: tells their own contention apart from the sync's",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn_conf)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: gunicorn_conf)")
    args = parser.parse_args()

    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="idvdash-load-")))
        env = production_env(workdir, args.database_url)
        os.environ.update(env)
        import django

        django.setup()
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
            sync.sync_account(account=account)
        ids = list(Verification.objects.values_list("pk", flat=True))

        user = get_user_model().objects.create_user("load-reviewer")
        user.groups.add(Group.objects.get(name="Reviewers"))
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

    idle = idle_before + idle_after
    idle_errors += after_errors
    for page, times in after_pages.items():
        idle_pages.setdefault(page, []).extend(times)
    idle_p95, load_p95 = percentile(idle, 0.95), percentile(loaded, 0.95)
    ratio = load_p95 / idle_p95
    errors = idle_errors + load_errors + [s for s in syncs if s != "succeeded"]
    print(
        f"idle:   {len(idle)} requests, p50 {statistics.median(idle) * 1000:.1f} ms, p95 {idle_p95 * 1000:.1f} ms"
        f" (before the load {percentile(idle_before, 0.95) * 1000:.1f} ms,"
        f" after it {percentile(idle_after, 0.95) * 1000:.1f} ms)"
    )
    print(
        f"loaded: {len(loaded)} requests by {args.reviewers} reviewers in {args.duration:.0f} s, p50 {statistics.median(loaded) * 1000:.1f} ms, p95 {load_p95 * 1000:.1f} ms"
    )
    for page in sorted(load_pages):
        idle_page = percentile(idle_pages.get(page, [0.0]), 0.95) * 1000
        print(
            f"  {page:<7} p95 idle {idle_page:.1f} ms, loaded {percentile(load_pages[page], 0.95) * 1000:.1f} ms"
        )
    if args.without_sync:
        print("syncs during the load: none (--without-sync)")
    else:
        print(f"syncs during the load: {len(syncs)} ({syncs.count('succeeded')} succeeded)")
    print(f"p95 ratio loaded/idle: {ratio:.2f} (limit {RATIO_LIMIT})")
    print(f"errors: {len(errors)}" + (f" e.g. {errors[:5]}" if errors else ""))
    wrote = bool(syncs) or args.without_sync
    return 0 if not errors and ratio <= RATIO_LIMIT and wrote else 1


if __name__ == "__main__":
    sys.exit(main())
