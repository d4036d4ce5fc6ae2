import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(tmp_path: Path, *args: str, timeout: float) -> subprocess.CompletedProcess:
    """`manage.py bench ARGS` with production settings on a throw-away SQLite file."""
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        DJANGO_SETTINGS_MODULE="idvdash.settings",
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "bench", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
