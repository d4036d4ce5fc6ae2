"""Every Overview chart's numbers as one CSV: a row per mark, with the list it opens."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from . import read
from .read import Mark, Overview

COLUMNS = ("chart", "series", "label", "meaning", "records", "list_url")


def rows(data: Overview, cases: list[Mark]) -> Iterator[tuple]:
    for series in data.per_provider:
        for mark in series.marks:
            yield ("verifications per day", series.label, mark.label, "", mark.value, mark.href)
    per = "week" if read.outcome_step(data.scope) > 1 else "day"
    for series in data.per_outcome:
        for mark in series.marks:
            yield (f"outcome per {per}", series.label, mark.label, "", mark.value, mark.href)
    for rate in data.rates:
        yield ("approval rate", rate.label, "approved", "", rate.approved, rate.approved_href)
        decided = "approved, declined or suspected"
        yield ("approval rate", rate.label, "decided", decided, rate.decided, rate.decided_href)
        yield ("approval rate", rate.label, "decided, the period before", decided,
               rate.decided_before, rate.decided_before_href)  # fmt: skip
    for reason in data.reasons:
        meaning = reason.meaning or "no meaning documented"
        yield ("top reasons", reason.provider_label, reason.code, meaning, reason.records,
               reason.href)  # fmt: skip
        yield ("top reasons, the period before", reason.provider_label, reason.code, meaning,
               reason.records_before, reason.before_href)  # fmt: skip
    for mark in data.unknown_day:
        no_time = "records whose provider gave no creation time"
        yield ("creation time not given", mark.label, "not given", no_time, mark.value, mark.href)
    for mark in data.backlog:
        yield ("in review at the provider, by age", "", mark.label, "", mark.value, mark.href)
    for mark in cases:
        yield ("idvdash cases", "", mark.label, "", mark.value, mark.href)


def csv_text(data: Overview, cases: list[Mark]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows(data, cases):
        writer.writerow([_safe(value) for value in row])
    return out.getvalue()


def _safe(value: object) -> object:
    """A cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
