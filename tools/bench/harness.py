"""What every benchmark needs: an isolated database, a sandbox process, timing, a report."""

import json
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

# The sandbox answers in a few milliseconds; a provider answers over the internet in tens
# to hundreds. Figures "as a provider answers" add this much latency to every sandbox
# answer (its `slow` fault), to show our fixed cost against a provider-like round trip.
PROVIDER_LIKE_LATENCY = 0.1


@dataclass
class Figure:
    """One measured ratio against a baseline taken in the same run."""

    name: str
    measured: float
    baseline: float
    ratio: float
    target: str
    passed: bool
    unit: str = "s"
    note: str = ""


def ratio_figure(
    name: str,
    *,
    measured: float,
    baseline: float,
    at_most: float | None = None,
    at_least: float | None = None,
    unit: str = "s",
    note: str = "",
) -> Figure:
    """Compare measured to baseline; the target is a bound on measured ÷ baseline."""
    ratio = measured / baseline if baseline else float("inf")
    if at_most is not None:
        return Figure(
            name, measured, baseline, ratio, f"<= {at_most}x", ratio <= at_most, unit, note
        )
    return Figure(name, measured, baseline, ratio, f">= {at_least}x", ratio >= at_least, unit, note)


def timed[T](work: Callable[[], T]) -> tuple[float, T]:
    """Return the wall time of one call, in seconds, and what it returned."""
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


@contextmanager
def isolated_database() -> Iterator[str]:
    """Run on a fresh test database (a file for SQLite), destroyed afterwards."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        test = settings.DATABASES["default"].setdefault("TEST", {})
        if vendor == "sqlite":
            test["NAME"] = str(Path(tmp) / "bench.sqlite3")
        else:  # never the test suite's database, which may be in use
            test["NAME"] = f"{settings.DATABASES['default']['NAME']}_bench"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            yield vendor
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def report(figures: list[Figure], *, title: str, out: Path, context: dict) -> str:
    """Write the figures as JSON and return them as a text table."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"title": title, **context, "figures": [asdict(f) for f in figures]}, indent=2)
    )
    lines = [title, f"{'figure':<46} {'measured':>10} {'baseline':>10} {'ratio':>8}  target    ok"]
    for f in figures:
        lines.append(
            f"{f.name:<46} {f.measured:>10.3f} {f.baseline:>10.3f} {f.ratio:>7.2f}x  {f.target:<8}  "
            f"{'yes' if f.passed else 'NO'}{'  ' + f.note if f.note else ''}"
        )
    lines.append(f"(JSON: {out})")
    return "\n".join(lines)


def count_figure(name: str, bad: int, of: int, *, unit: str, note: str = "") -> Figure:
    """A check, in the figures' shape: `bad` of `of` (target 0)."""
    return Figure(name, float(bad), float(of), bad / of if of else 0.0, "0", bad == 0, unit, note)
