"""The Overview's charts, drawn once per version of the figures (per process).

Reading the figures of a 90-day page and drawing them (a thousand-odd links in SVG and
tables) costs many times a plain page. The figures' version (`version.py`) changes with
every committed write that moves a figure and costs one small query to read, so a
drawing is kept under the scope and the version it was made at: a page whose figures
have not changed since is served from here, and any change is a new version, so the
charts are never stale. Kept drawings are bounded (least recently used out) and also
expire, in case the version is ever read back lower (a database restored from a
backup). Each process keeps its own.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from . import charts, read, version

KEEP = 32  # drawings kept per process: a few hundred KB each at 90 days
EXPIRE_SECONDS = 600

_lock = threading.Lock()
_kept: OrderedDict[tuple, tuple[float, Drawn]] = OrderedDict()


@dataclass(frozen=True, slots=True)
class Drawn:
    """What the Overview shows from the figures: the numbers and their rendered charts."""

    data: read.Overview
    volume: SafeString  # per day by provider, and by outcome
    rates: SafeString
    ages: SafeString  # the provider's backlog by age
    reasons: SafeString  # top reasons, and the records with no creation day


def drawn(scope: read.Scope) -> Drawn:
    # The version first: figures read after it are at least as new as it says.
    seen = version.current()
    account = scope.account.pk if scope.account is not None else None
    key = (scope.days, scope.today, scope.provider, account, seen)
    now = time.monotonic()
    with _lock:
        kept = _kept.get(key)
        if kept is not None and now - kept[0] < EXPIRE_SECONDS:
            _kept.move_to_end(key)
            return kept[1]
    made = draw(read.overview(scope))
    with _lock:
        _kept[key] = (now, made)
        _kept.move_to_end(key)
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return made


def forget() -> None:
    """Drop every kept drawing (tests, after each rollback; the benchmark's first view
    after a change)."""
    with _lock:
        _kept.clear()


def draw(data: read.Overview) -> Drawn:
    context = {"data": data, "scope": data.scope, **_pictures(data)}
    return Drawn(
        data=data,
        volume=render_to_string("figures/volume.html", context),
        rates=render_to_string("figures/rates.html", context),
        ages=render_to_string("figures/ages.html", context),
        reasons=render_to_string("figures/reasons.html", context),
    )


def _pictures(data: read.Overview) -> dict:
    """The small-multiples charts as SVG, each on the scale of its own chart, and the
    bars of the tables."""
    pictures = {}
    for name, series in (("providers", data.per_provider), ("outcomes", data.per_outcome)):
        peak = max((max(s.counts, default=0) for s in series), default=0)
        pictures[f"{name}_svg"] = [(s, charts.strip(s, peak=peak, chart_id=name)) for s in series]
        pictures[f"{name}_peak"] = peak
    pictures["providers_table"] = charts.span_table(
        data.per_provider, caption="Verifications per day and provider"
    )
    weekly = read.outcome_step(data.scope) > 1
    pictures["outcomes_weekly"] = weekly
    pictures["outcomes_table"] = charts.span_table(
        data.per_outcome,
        caption=f"Verifications per {'week' if weekly else 'day'} and outcome",
    )
    peak = max((r.decided for r in data.rates), default=0)
    pictures["rates"] = [
        (r, charts.bar(r.approved, peak=r.decided or 1, kind="approved")) for r in data.rates
    ]
    peak = max((r.records for r in data.reasons), default=0)
    pictures["reasons"] = [(r, charts.bar(r.records, peak=peak)) for r in data.reasons]
    peak = max((m.value for m in data.backlog), default=0)
    pictures["backlog"] = [(m, charts.bar(m.value, peak=peak)) for m in data.backlog]
    return pictures
