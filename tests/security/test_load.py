"""R15: 20 reviewers against gunicorn while a sync writes (IDVDASH_LOAD_TEST=0 skips it).

It measures the engine the suite runs on: a temporary SQLite file, or a database of
its own beside the suite's on PostgreSQL, with gunicorn configured as in production
(idvdash/gunicorn_conf.py) and a sync re-scanning every account back to back against
a sandbox that answers at once (a harder load than a real provider's pace makes).
It takes about a minute and a half and needs the machine to itself, which a serial
suite gives it. The ratio has some spread on 2 cores (1.5 to 2.2 in eleven runs), so a
run over the limit is measured once more: both runs are printed, an error in either
fails, and one run within the limit is required.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings

from tests.core.test_settings import ROOT

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(
        os.environ.get("IDVDASH_LOAD_TEST") == "0", reason="IDVDASH_LOAD_TEST=0 skips it"
    ),
]


@contextmanager
def database_for_the_load() -> Iterator[str]:
    """An empty database on the suite's engine: '' (SQLite, the load test makes a file)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        yield ""
        return
    import psycopg

    name = f"{db['NAME']}_load"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    server = f"{db.get('USER') or 'postgres'}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
    with psycopg.connect(f"postgresql://{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgres://{server}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_run(url: str) -> tuple[float, int, str]:
    """Run the load test once; return its p95 ratio, its error count and its report."""
    result = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "idvdash.core.loadtest", "--duration", "60",
         "--reviewers", "20", "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    report = result.stdout + result.stderr[-3000:]
    ratio = re.search(r"p95 ratio loaded/idle: ([\d.]+)", result.stdout)
    errors = re.search(r"errors: (\d+)", result.stdout)
    syncs = re.search(r"syncs during the load: (\d+)", result.stdout)
    assert ratio, report
    assert errors, report
    assert syncs, report
    assert int(syncs[1]) > 0, report  # a sync wrote during the load
    return float(ratio[1]), int(errors[1]), report


SUMMARY = ("idle:", "loaded:", "  ", "syncs during", "p95 ratio", "errors:")


def summary(report: str) -> list[str]:
    """The load test's own summary lines."""
    return [line for line in report.splitlines() if line.startswith(SUMMARY)]


ATTEMPTS = 2
LIMIT = 3.0


def test_twenty_reviewers_see_no_errors_and_p95_stays_within_three_times_idle(capsys):
    ratios = []
    for _ in range(ATTEMPTS):
        with database_for_the_load() as url:  # each run starts from an empty database
            ratio, errors, report = load_run(url)
        with capsys.disabled():  # the figures belong in the suite's output, pass or fail
            print("".join(f"\n[R15] {line}" for line in summary(report)))
        assert errors == 0, report
        ratios.append(ratio)
        if ratio <= LIMIT:
            break

    assert min(ratios) <= LIMIT, f"p95 loaded ÷ idle in each run: {ratios}"
