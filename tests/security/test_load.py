"""R15: 20 reviewers against gunicorn while a sync writes (opt-in: IDVDASH_LOAD_TEST=1).

It measures the engine the suite runs on: a temporary SQLite file, or a database of
its own beside the suite's on PostgreSQL. It takes about two minutes and needs the
machine to itself (the ratio is CPU contention), so it is not part of `make test`.
"""

import os
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
        os.environ.get("IDVDASH_LOAD_TEST") != "1", reason="set IDVDASH_LOAD_TEST=1 to run"
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


def test_twenty_reviewers_see_no_errors_and_p95_stays_within_three_times_idle():
    with database_for_the_load() as url:
        result = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "idvdash.core.loadtest", "--duration", "60",
             "--reviewers", "20", "--database-url", url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )  # fmt: skip

    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
