"""Reviewers under load: gunicorn on loopback, a sync writing, N reviewers reading.

    python -m idvdash.core.loadtest --duration 60 --reviewers 20    (`make loadtest`)

Builds a throw-away production-like setup in a temporary directory (DEBUG off, SQLite
file, the provider sandbox on loopback), measures an idle p95 (one reviewer, no sync),
then the p95 with the reviewers and a sync running at once. Exits 1 on any error or
when the loaded p95 exceeds RATIO_LIMIT times the idle p95. Loopback only; bounded in time.
"""

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RATIO_LIMIT = 3.0
IDLE_SECONDS = 8.0
# A reviewer reads what a page shows before the next click: about a second at the least.
THINK_SECONDS = (0.5, 1.5)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(workdir: Path, database_url: str) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO")},
        "DJANGO_SETTINGS_MODULE": "idvdash.settings",
        "DEBUG": "false",
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
        self.errors: list[str] = []

    def url(self) -> str:
        roll = self.random.random()
        if roll < 0.4:
            return "/verifications/"
        if roll < 0.7:
            outcome = self.random.choice(["approved", "declined", "pending"])
            return f"/verifications/?outcome={outcome}"
        return f"/verifications/{self.random.choice(self.ids)}/"

    def run(self) -> None:
        while not self.stop.is_set():
            url = self.url()
            started = time.perf_counter()
            try:
                response = self.session.get(self.base + url, timeout=30, allow_redirects=False)
            except Exception as err:
                self.errors.append(f"{url}: {type(err).__name__}")
                continue
            self.timings.append(time.perf_counter() - started)
            if response.status_code != 200:
                self.errors.append(f"{url}: HTTP {response.status_code}")
            if self.think:
                self.stop.wait(self.random.uniform(*THINK_SECONDS))


def run_phase(
    base, cookie, ids, *, reviewers: int, seconds: float, think: bool = True
) -> tuple[list, list]:
    """Return the response times and errors of `reviewers` readers over `seconds`."""
    stop = threading.Event()
    threads = [Reviewer(base, cookie, ids, stop, seed, think) for seed in range(reviewers)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return [t for th in threads for t in th.timings], [e for th in threads for e in th.errors]


def main() -> int:
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
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="idvdash-load-") as tmp:
        workdir = Path(tmp)
        env = production_env(workdir, args.database_url)
        os.environ.update(env)
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.sessions.backends.db import SessionStore
        from django.core.management import call_command

        from idvdash.core.demo import ensure_demo_accounts
        from idvdash.core.middleware import mark_signed_in
        from idvdash.sandbox.server import SandboxServer
        from idvdash.verifications import sync
        from idvdash.verifications.models import Verification

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        sandbox = SandboxServer(size=args.size, seed=7, realtime=True).start()
        accounts = ensure_demo_accounts(sandbox_root=sandbox.url)
        for account in accounts:
            sync.sync_account(account=account)
        ids = list(Verification.objects.values_list("pk", flat=True))

        user = get_user_model().objects.create_user("load-reviewer")
        user.groups.add(Group.objects.get(name="Reviewers"))
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()

        class _Request:
            pass

        request = _Request()
        request.session = session
        mark_signed_in(request)
        session.create()
        cookie = f"sessionid={session.session_key}"

        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "idvdash.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--threads", "4", "--worker-class", "gthread",
             "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            import requests

            for _ in range(100):
                try:
                    requests.get(base + "/accounts/login/", timeout=5)
                    break
                except requests.RequestException:
                    time.sleep(0.1)
            run_phase(base, cookie, ids, reviewers=1, seconds=1.0, think=False)  # warm-up
            # Idle: one reviewer, nothing else running, back to back for enough samples.
            idle, idle_errors = run_phase(
                base, cookie, ids, reviewers=1, seconds=IDLE_SECONDS, think=False
            )

            stop_sync = threading.Event()
            syncs: list[str] = []

            def keep_syncing() -> None:
                from django.db import connections

                while not stop_sync.is_set():
                    for account in accounts:
                        account.refresh_from_db()
                        account.sync_checkpoint = {}
                        account.save(update_fields=["sync_checkpoint"])
                        syncs.append(sync.sync_account(account=account).state)
                connections.close_all()

            writer = threading.Thread(target=keep_syncing, daemon=True)
            writer.start()
            loaded, load_errors = run_phase(
                base, cookie, ids, reviewers=args.reviewers, seconds=args.duration
            )
            stop_sync.set()
            writer.join(timeout=120)
        finally:
            server.terminate()
            server.wait(timeout=30)
            sandbox.stop()

    idle_p95, load_p95 = percentile(idle, 0.95), percentile(loaded, 0.95)
    ratio = load_p95 / idle_p95
    errors = idle_errors + load_errors + [s for s in syncs if s != "succeeded"]
    print(
        f"idle:   {len(idle)} requests, p50 {statistics.median(idle) * 1000:.1f} ms, p95 {idle_p95 * 1000:.1f} ms"
    )
    print(
        f"loaded: {len(loaded)} requests by {args.reviewers} reviewers in {args.duration:.0f} s, p50 {statistics.median(loaded) * 1000:.1f} ms, p95 {load_p95 * 1000:.1f} ms"
    )
    print(f"syncs during the load: {len(syncs)} ({syncs.count('succeeded')} succeeded)")
    print(f"p95 ratio loaded/idle: {ratio:.2f} (limit {RATIO_LIMIT})")
    print(f"errors: {len(errors)}" + (f" e.g. {errors[:5]}" if errors else ""))
    return 0 if not errors and ratio <= RATIO_LIMIT and syncs else 1


if __name__ == "__main__":
    sys.exit(main())
