"""Child processes on loopback (sandbox, gunicorn) for the demo, benchmarks and load test.

No Django import here: the load test uses it before Django is set up.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(url: str) -> bool:
    """Return whether `url` answers 2xx within a second."""
    try:
        return requests.get(url, timeout=1).ok
    except requests.RequestException:
        return False


def wait_until_healthy(
    url: str, *, process: subprocess.Popen, name: str, timeout: float = 60.0
) -> None:
    """Wait until `url` answers; raise RuntimeError if `process` exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not start")
        time.sleep(0.2)


def low_priority() -> list[str]:
    """The command prefix that runs a program at the lowest CPU priority (nice exec's it)."""
    nice = shutil.which("nice")
    return [nice, "-n", "19"] if nice else []


MANAGE = str(Path(__file__).resolve().parents[1] / "manage.py")


@contextmanager
def sandbox_process(
    *, size: int, seed: int = 1, realtime: bool = False, background: bool = False
) -> Iterator[str]:
    """Serve the provider sandbox in its own process; yield its root URL.

    Its own process shares no GIL with what is measured. `background` runs it at the
    lowest CPU priority, as a provider on another machine would take none of ours.
    It runs with the development apps installed (`runsandbox` is one of theirs), even
    when what it serves runs with production settings, as the load test's server does.
    """
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    command = [sys.executable, MANAGE, "runsandbox", "--port", str(port), "--size", str(size)]
    command += ["--seed", str(seed), *(["--realtime"] if realtime else [])]
    process = subprocess.Popen(  # noqa: S603
        [*(low_priority() if background else []), *command],
        env={**os.environ, "DEBUG": "true", "IDVDASH_DEV_APPS": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_healthy(f"{root}/_control/health", process=process, name="the provider sandbox")
        yield root
    finally:
        process.terminate()
        process.wait(timeout=10)
