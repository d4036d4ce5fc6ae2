"""Server-rendered SVG for the Overview: no script, no inline style, every mark a link.

Built as strings in Python (a 90-day chart has hundreds of marks; a template loop costs
several times more), escaped with the standard library's html.escape (Django's lazy-aware
one costs more per call, and these are plain strings). Colours come from classes in idvdash.css, which switch with the
colour scheme; no mark relies on colour alone: every series is its own labelled row
(small multiples), every mark carries its number in a <title> and an aria-label, and
every chart has its numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .read import Series, Span

WIDTH = 720
STRIP_HEIGHT = 44
BAR_HEIGHT = 14
BAR_WIDTH = 160


def strip(series: Series, *, peak: int, chart_id: str) -> SafeString:
    """One series over the period's days as vertical bars on a scale shared by its chart.

    Each bar is a link (its accessible name is its <title>); a transparent rect the
    height of the chart makes a short bar as easy to click as a tall one.
    """
    slot = WIDTH / max(len(series.counts), 1)
    gap = 1 if slot > 4 else 0
    label = escape(series.label)
    parts = [
        f'<svg class="chart-strip" viewBox="0 0 {WIDTH} {STRIP_HEIGHT}" '
        f'preserveAspectRatio="none" role="group" '
        f'aria-label="{label}: {series.total:,} in the period, by day">'
        f'<line class="axis" x1="0" y1="{STRIP_HEIGHT - 0.5}" x2="{WIDTH}" '
        f'y2="{STRIP_HEIGHT - 0.5}"/>'
    ]
    width, hit = f"{max(slot - gap, 0.5):.1f}", f"{slot:.1f}"
    # What every bar of the series shares, escaped once.
    opening = f'<a href="{_href(series.prefix)}&amp;created_from='
    data = f'" data-chart="{chart_id}" data-series="{escape(series.key)}" data-value="'
    for i, (span, n) in enumerate(zip(series.spans, series.counts, strict=True)):
        if not n:
            continue  # an empty span draws nothing; its 0 (and its door) is in the table
        x = i * slot
        height = (STRIP_HEIGHT - 2) * n / peak
        if height < 1.5:
            height = 1.5  # a day with records is never invisible
        parts.append(
            f'{opening}{span.first}&amp;created_to={span.last}{data}{n}">'
            f"<title>{label}, created {span.label} (UTC): {n:,}</title>"
            f'<rect class="hit" x="{x:.1f}" width="{hit}" height="{STRIP_HEIGHT}"/>'
            f'<rect class="bar" x="{x + gap / 2:.1f}" y="{STRIP_HEIGHT - 1 - height:.1f}" '
            f'width="{width}" height="{height:.1f}"/></a>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every value above is escaped or a number


def _href(href: str) -> str:
    """A door's URL in an attribute: built by read.Scope.door from quoted values, so its
    only character that HTML gives a meaning is "&"."""
    return href.replace("&", "&amp;")


def bar(value: int | float, *, peak: int | float, kind: str = "") -> SafeString:
    """A horizontal bar for a table cell: the cell beside it says the number."""
    width = 0 if not peak else round(BAR_WIDTH * value / peak, 2)
    if value and width < 1.5:
        width = 1.5
    css = f"bar {escape(kind)}".strip()
    return mark_safe(  # noqa: S308 -- numbers and a class name this module chooses
        f'<svg class="chart-bar" viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" width="{BAR_WIDTH}" '
        f'height="{BAR_HEIGHT}" aria-hidden="true" focusable="false">'
        f'<rect class="track" x="0" y="0" width="{BAR_WIDTH}" height="{BAR_HEIGHT}"/>'
        f'<rect class="{css}" x="0" y="0" width="{width}" height="{BAR_HEIGHT}"/></svg>'
    )


def span_table(series: Sequence[Series], *, caption: str) -> SafeString:
    """The numbers of a small-multiples chart: a row per day (or week), a column per
    series; every number opens its list."""
    head = "".join(f'<th scope="col" class="num">{escape(s.label)}</th>' for s in series)
    spans = series[0].spans if series else []
    weekly = any(span.first != span.last for span in spans)
    prefixes = [f"{_href(s.prefix)}&amp;created_from=" for s in series]
    rows = []
    for i, span in enumerate(spans):
        door = f"{span.first}&amp;created_to={span.last}"
        cells = "".join(
            f'<td class="num"><a href="{prefix}{door}">{s.counts[i]:,}</a></td>'
            if s.counts[i]
            else f'<td class="num"><a class="zero" href="{prefix}{door}">0</a></td>'
            for s, prefix in zip(series, prefixes, strict=True)
        )
        rows.append(f'<tr><th scope="row">{_span_name(span)}</th>{cells}</tr>')
    unit = "week, the last ending today" if weekly else "UTC day"
    totals = "".join(
        f'<td class="num"><a href="{_href(s.href)}">{s.total:,}</a></td>' for s in series
    )
    return mark_safe(  # noqa: S308 -- labels and links escaped above
        f'<table class="grid figures-table"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">Created at the provider ({unit})</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody>"
        f'<tfoot><tr><th scope="row">Period</th>{totals}</tr></tfoot></table>'
    )


def _span_name(span: Span) -> str:
    first = date.fromisoformat(span.first)
    if span.first == span.last:
        return f"{first:%a %d %b}"
    return f"{first:%d %b} to {date.fromisoformat(span.last):%d %b}"
