"""A small closed-loop HTTP load generator and a production server to aim it at.

`python -m tools.bench.load URL SECONDS CONCURRENCY [COOKIE] [HEADER=VALUE ...]`
prints one JSON line: completed requests, errors, requests per second, p50 and p95
latency. It runs in its own process so it shares no interpreter with the server or
with the benchmark that starts it.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tools.processes import wait_until_healthy


def hammer(url: str, *, seconds: float, concurrency: int, headers: dict[str, str]) -> dict:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        mine, failed = [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            if ok:
                mine.append(time.perf_counter() - started)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p95": latencies[int(len(latencies) * 0.95)] if latencies else 0.0,
    }


def run_load(
    url: str, *, seconds: float, concurrency: int, headers: dict[str, str] | None = None
) -> dict:
    """Run hammer() in a separate Python process and return its result."""
    args = [sys.executable, "-m", __name__, url, str(seconds), str(concurrency)]
    args += [f"{k}={v}" for k, v in (headers or {}).items()]
    out = subprocess.run(args, capture_output=True, text=True, check=True, timeout=seconds + 120)  # noqa: S603
    return json.loads(out.stdout.strip().splitlines()[-1])


BASE = Path(__file__).resolve().parents[2]


def gunicorn_command(
    *, port: int, workers: int | None = None, threads: int | None = None
) -> list[str]:
    """gunicorn as idvdash.gunicorn_conf configures it, on 127.0.0.1:`port`.

    `workers` and `threads` override the configuration (threads=1: the sync worker).
    """
    command = [sys.executable, "-m", "gunicorn", "--config", "python:idvdash.gunicorn_conf"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if workers is not None:
        command += ["--workers", str(workers)]
    if threads is not None:
        command += ["--threads", str(threads)]
        command += ["--worker-class", "gthread" if threads > 1 else "sync"]
    return command


@contextmanager
def production_server(
    *,
    port: int,
    environment: dict[str, str],
    workers: int | None = None,
    threads: int | None = None,
) -> Iterator[str]:
    """Serve idvdash with gunicorn on loopback, configured as in production.

    Settings come from idvdash.gunicorn_conf; `workers` and `threads` override them
    (threads=1: gunicorn's sync worker).
    """
    root = f"http://127.0.0.1:{port}"
    env = {**os.environ, **environment}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = gunicorn_command(port=port, workers=workers, threads=threads)
    # A file, not a pipe nobody reads while it serves: a full pipe would stall it.
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=BASE, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            try:
                wait_until_healthy(f"{root}/healthz", process=process, name="gunicorn")
            except RuntimeError as err:
                process.kill()
                process.wait(timeout=30)
                errors.seek(0)
                raise RuntimeError(f"{err}: {errors.read()[-2000:]}") from None
            yield root
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    url, seconds, concurrency, *pairs = sys.argv[1:]
    headers = dict(pair.split("=", 1) for pair in pairs)
    result = hammer(url, seconds=float(seconds), concurrency=int(concurrency), headers=headers)
    print(json.dumps(result))
