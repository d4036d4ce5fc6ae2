"""What the Overview shows, read from the daily figures in a constant number of queries.

Every figure here is a count of mirrored verifications and comes with the list URL that
selects exactly those rows (`door`): the day is the provider's creation day (UTC), the
same day the list's "Created at the provider" filter uses, so the count on a chart is
the count of the list it opens. Records whose provider gave no creation time have no
day: they are counted apart, never placed on a day idvdash would have to make up.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import quote_plus

from django.db import connection
from django.urls import reverse

from idvdash.providers import vocabulary
from idvdash.providers.codes import CATEGORY_LABELS
from idvdash.providers.models import ProviderAccount
from idvdash.providers.outcomes import DECISIVE_OUTCOMES, Outcome
from idvdash.providers.registry import ProviderKind

from .models import UNKNOWN_DAY, DailyFigure, ReasonFigure

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
# The outcome mix of a period this long or longer is drawn by week: 9 outcomes over 90
# days would be 810 bars a few pixels wide, where 13 weeks show the mix moving.
WEEKLY_FROM = 60
TOP_REASONS = 12
# Age of the provider's own backlog (records it still checks), by creation day:
# (label, youngest age in days, oldest age in days or None for "and older").
AGE_BUCKETS = (
    ("today or yesterday", 0, 1),
    ("2 to 7 days", 2, 7),
    ("8 to 30 days", 8, 30),
    ("31 to 90 days", 31, 90),
    ("over 90 days", 91, None),
)
DECIDED = tuple(o.value for o in Outcome if o in DECISIVE_OUTCOMES)
# Codes of these kinds restate an outcome ("approved", "DENIED"): not reasons to chart.
NOT_REASONS = frozenset(
    CATEGORY_LABELS[category] for category in ("status", "level_status", "result")
)


@dataclass(frozen=True)
class Scope:
    """The period (the last `days` UTC days up to `today`) and an optional provider or account."""

    days: int
    today: date
    provider: str = ""
    account: ProviderAccount | None = None

    @property
    def start(self) -> date:
        return self.today - timedelta(days=self.days - 1)

    @cached_property
    def _list_path(self) -> str:
        return reverse("verifications:list")

    @cached_property
    def _base(self) -> dict[str, Any]:
        base: dict[str, Any] = {}
        if self.provider:
            base["provider"] = self.provider
        if self.account is not None:
            base["account"] = self.account.pk
        return base

    def door(self, **params: Any) -> str:
        """The list URL of the rows a figure counts: these filters and the scope's.

        Called for every mark (over a thousand on a 90-day page), so the path is reversed
        once per scope and the query string is joined by hand.
        """
        parts = []
        for key, value in {**self._base, **params}.items():
            if value is None or value == "" or value == ():
                continue
            for one in value if isinstance(value, list | tuple) else (value,):
                text = one.isoformat() if isinstance(one, date) else str(one)
                parts.append(f"{key}={quote_plus(text)}")
        return self._list_path + "?" + "&".join(parts)

    def period_door(self, **params: Any) -> str:
        return self.door(created_from=self.start, created_to=self.today, **params)

    @property
    def before_start(self) -> date:
        """The first day of the period before this one, as long as this one."""
        return self.start - timedelta(days=self.days)

    def before_door(self, **params: Any) -> str:
        end = self.start - timedelta(days=1)
        return self.door(created_from=self.before_start, created_to=end, **params)


@dataclass(slots=True)  # not frozen: a 90-day page makes over a thousand, and frozen
class Mark:  # dataclasses pay for every field they set
    """One number on a chart: what it counts, how many, and the list that shows them."""

    label: str
    value: int
    href: str
    title: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """The creation days one mark counts: a day, or a week of the 90-day outcome mix."""

    first: str  # ISO
    last: str  # ISO, the same as first for a day

    @property
    def label(self) -> str:
        return self.first if self.first == self.last else f"{self.first} to {self.last}"


@dataclass(slots=True)
class Series:
    """One row of a small-multiples chart (a provider, an outcome) over the period: a
    count per span (day or week), and a span's door is the series' door (`prefix`) and
    the span's days."""

    key: str
    label: str
    spans: list[Span]  # oldest first
    counts: list[int]
    prefix: str
    total: int
    href: str

    def span_href(self, span: Span) -> str:
        return f"{self.prefix}&created_from={span.first}&created_to={span.last}"

    @property
    def marks(self) -> list[Mark]:
        """Each span as a Mark (for the CSV and tests; the charts draw from the counts)."""
        return [
            Mark(
                label=span.label,
                value=n,
                href=self.span_href(span),
                title=f"{self.label}, created {span.label} (UTC): {n:,}",
            )
            for span, n in zip(self.spans, self.counts, strict=True)
        ]


@dataclass(frozen=True, slots=True)
class Rate:
    """Approved ÷ decided for one provider in the period, and in the period before."""

    provider: str
    label: str
    approved: int
    decided: int
    approved_href: str
    decided_href: str
    approved_before: int = 0
    decided_before: int = 0
    decided_before_href: str = ""

    @property
    def percent(self) -> float | None:
        return 100 * self.approved / self.decided if self.decided else None

    @property
    def percent_before(self) -> float | None:
        return 100 * self.approved_before / self.decided_before if self.decided_before else None

    @property
    def change(self) -> float | None:
        """Percentage points since the period before (None when either has no decision)."""
        if self.percent is None or self.percent_before is None:
            return None
        return self.percent - self.percent_before


@dataclass(frozen=True, slots=True)
class Reason:
    provider: str
    provider_label: str
    code: str
    meaning: str | None
    records: int
    href: str
    records_before: int = 0
    before_href: str = ""

    @property
    def change(self) -> int:
        return self.records - self.records_before


@dataclass(slots=True)
class Overview:
    scope: Scope
    per_provider: list[Series]
    per_outcome: list[Series]
    rates: list[Rate]
    reasons: list[Reason]
    unknown_day: list[Mark]
    backlog: list[Mark]
    total: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.total and not any(m.value for m in self.unknown_day)


@dataclass(frozen=True, slots=True)
class Fetched:
    """The rows of the Overview's three queries, as plain tuples."""

    # (what, ISO day or "", provider or outcome, records, approved, decided), where
    # what is DAY_PROVIDER, DAY_OUTCOME (by ISO day, or by weeks back from today when
    # the outcome mix is weekly), BEFORE (a day and provider of the period before) or
    # NO_DAY (a provider's records with no creation day).
    days: tuple[tuple[str, str, str, int, int, int], ...]
    reasons: tuple[tuple[str, str, int, int], ...]  # (provider, code, in period, before)
    backlog: tuple[tuple[int, int], ...]  # (age bucket, records); bucket -1: no day


DAY_PROVIDER, DAY_OUTCOME, BEFORE, NO_DAY = "p", "o", "b", "u"


def overview(scope: Scope) -> Overview:
    return build(scope, fetch(scope))


def fetch(scope: Scope) -> Fetched:
    """Every chart's figures for `scope` in three queries on the figures' indexes, each
    summed in the database to at most a row per day and provider or outcome: a 90-day
    page reads a few thousand figures, never the mirror."""
    return Fetched(days=_day_rows(scope), reasons=_reason_rows(scope), backlog=_backlog_rows(scope))


def build(scope: Scope, fetched: Fetched) -> Overview:
    by_provider, by_outcome = [], []
    approved: dict[str, int] = defaultdict(int)
    decided: dict[str, int] = defaultdict(int)
    before: dict[str, tuple[int, int, int]] = {}
    no_day: dict[str, int] = {}
    for what, iso, key, n, approved_n, decided_n in fetched.days:
        if what == DAY_PROVIDER:
            by_provider.append((iso, key, n))
            approved[key] += approved_n
            decided[key] += decided_n
        elif what == DAY_OUTCOME:
            by_outcome.append((iso, key, n))
        elif what == BEFORE:  # by day: summed here, as a GROUP BY provider sorts every row
            n_before, approved_before, decided_before = before.get(key, (0, 0, 0))
            before[key] = (n_before + n, approved_before + approved_n, decided_before + decided_n)
        else:
            no_day[key] = n
    step = outcome_step(scope)
    present = {key for _iso, key, _n in by_provider} | before.keys() | no_day.keys()
    providers = _providers(scope, present)
    outcomes = _outcomes({key for _iso, key, _n in by_outcome})
    return Overview(
        scope=scope,
        per_provider=_per_span(scope, _spans(scope, 1), by_provider, "provider", providers),
        per_outcome=_per_span(
            scope, _spans(scope, step), by_outcome, "outcome", outcomes, weekly=step > 1
        ),
        rates=_rates(scope, providers, approved, decided, before),
        reasons=_reasons(scope, fetched.reasons),
        unknown_day=_unknown_day(scope, no_day, providers),
        backlog=_backlog(scope, fetched.backlog),
        total=sum(n for _iso, _key, n in by_provider),
    )


# The queries are fixed SQL, the same on both engines: through the ORM, compiling them
# and converting each row cost more than running them.
DAILY = DailyFigure._meta.db_table
REASONS = ReasonFigure._meta.db_table


def _day_rows(scope: Scope) -> tuple[tuple[str, str, str, int, int, int], ...]:
    """The period by day and provider (with the approved and decided among them, for the
    rates) and by day and outcome; the period before by day and provider; the records
    with no creation day by provider. Grouping by day first follows the covering index
    on (day, provider, outcome, records); grouping by day, provider and outcome at once
    returns several times the rows, and fetching them cost more than the sums."""
    where, params = _scoped(scope)
    start, today, unknown = _day(scope.start), _day(scope.today), _day(UNKNOWN_DAY)
    decided = ", ".join(["%s"] * len(DECIDED))
    sums = (
        "SUM(records), SUM(CASE WHEN outcome = %s THEN records ELSE 0 END), "
        f"SUM(CASE WHEN outcome IN ({decided}) THEN records ELSE 0 END)"
    )
    sums_params = [Outcome.APPROVED.value, *DECIDED]
    having = "HAVING SUM(records) <> 0"
    # The outcome mix by its spans: the day, or the whole weeks back from today.
    weekly = outcome_step(scope) > 1
    span, span_params = (_weeks_back(), [today]) if weekly else ("day", [])
    sql = (
        f"SELECT '{DAY_PROVIDER}', CAST(day AS text), provider, {sums} FROM {DAILY} "  # noqa: S608 -- fixed text; values are parameters
        f"WHERE day >= %s AND day <= %s{where} GROUP BY day, provider {having} "
        f"UNION ALL SELECT '{DAY_OUTCOME}', CAST({span} AS text), outcome, SUM(records), 0, 0 "
        f"FROM {DAILY} WHERE day >= %s AND day <= %s{where} GROUP BY {span}, outcome {having} "
        f"UNION ALL SELECT '{BEFORE}', CAST(day AS text), provider, {sums} FROM {DAILY} "
        f"WHERE day >= %s AND day < %s{where} GROUP BY day, provider {having} "
        f"UNION ALL SELECT '{NO_DAY}', '', provider, {sums} FROM {DAILY} "
        f"WHERE day = %s{where} GROUP BY provider {having}"
    )
    by_day = [start, today, *params]
    before = [_day(scope.before_start), start, *params]
    return _select(
        sql,
        [
            *[*sums_params, *by_day],
            *[*span_params, *by_day, *span_params],
            *[*sums_params, *before],
            *[*sums_params, unknown, *params],
        ],
    )


def _weeks_back() -> str:
    """SQL: the whole weeks from a figure's day back to today (0: today and the six days
    before), the place of its week in `_spans(scope, 7)` counted from the end."""
    if connection.vendor == "postgresql":
        return "((CAST(%s AS date) - day) / 7)"
    return "CAST((julianday(%s) - julianday(day)) / 7 AS INTEGER)"


def _providers(scope: Scope, present: set[str]) -> list[tuple[str, str]]:
    if scope.provider:
        return [(scope.provider, ProviderKind(scope.provider).label)]
    return [(kind.value, kind.label) for kind in ProviderKind if kind.value in present]


def _outcomes(present: set[str]) -> list[tuple[str, str]]:
    return [(o.value, o.label) for o in Outcome if o.value in present]


def outcome_step(scope: Scope) -> int:
    """Days per bar of the outcome mix."""
    return 7 if scope.days >= WEEKLY_FROM else 1


def _spans(scope: Scope, step: int) -> list[Span]:
    """The period in spans of `step` days counted back from today (so the latest span is
    whole; the first may be shorter), oldest first."""
    spans = []
    start, last = scope.start, scope.today
    while last >= start:
        first = max(last - timedelta(days=step - 1), start)
        spans.append(Span(first.isoformat(), last.isoformat()))
        last = first - timedelta(days=1)
    return spans[::-1]


def _per_span(
    scope: Scope,
    spans: list[Span],
    rows: list[tuple[str, str, int]],
    by: str,
    keys: list[tuple[str, str]],
    *,
    weekly: bool = False,
) -> list[Series]:
    """`rows` are (span, key, records), the span an ISO day, or when `weekly` the whole
    weeks back from today (`_weeks_back`)."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for span_key, key, n in rows:
        counts[key][span_key] = n
    # Each span's key to its place (the same for every series).
    if weekly:
        place = {str(len(spans) - 1 - i): i for i in range(len(spans))}
    else:
        place = {span.first: i for i, span in enumerate(spans)}
    series = []
    for key, label in keys:
        per_span = [0] * len(spans)
        for iso, n in counts[key].items():
            if iso in place:
                per_span[place[iso]] += n
        series.append(
            Series(
                key=key,
                label=label,
                spans=spans,
                counts=per_span,
                # One door per span: the series' own URL and the span's days (ISO dates
                # need no quoting), joined where it is drawn.
                prefix=scope.door(**{by: key}),
                total=sum(per_span),
                href=scope.period_door(**{by: key}),
            )
        )
    return series


def _rates(
    scope: Scope,
    providers: list[tuple[str, str]],
    approved: dict[str, int],
    decided: dict[str, int],
    before: dict[str, tuple[int, int, int]],
) -> list[Rate]:
    return [
        Rate(
            provider=kind,
            label=label,
            approved=approved[kind],
            decided=decided[kind],
            approved_href=scope.period_door(provider=kind, outcome=Outcome.APPROVED.value),
            decided_href=scope.period_door(provider=kind, outcome=list(DECIDED)),
            approved_before=before.get(kind, (0, 0, 0))[1],
            decided_before=before.get(kind, (0, 0, 0))[2],
            decided_before_href=scope.before_door(provider=kind, outcome=list(DECIDED)),
        )
        for kind, label in providers
    ]


def _reason_rows(scope: Scope) -> tuple[tuple[str, str, int, int], ...]:
    """The codes most records of the period carry, with their count in the period before
    (a few more are read than shown, so codes that restate an outcome can be dropped)."""
    where, params = _scoped(scope)
    start = _day(scope.start)
    in_period = "SUM(CASE WHEN day >= %s THEN records ELSE 0 END)"
    return _select(
        f"SELECT provider, code, {in_period}, SUM(CASE WHEN day < %s THEN records ELSE 0 END) "  # noqa: S608 -- fixed text; values are parameters
        f"FROM {REASONS} WHERE day >= %s AND day <= %s{where} "
        f"GROUP BY provider, code HAVING {in_period} > 0 "
        f"ORDER BY 3 DESC, provider, code LIMIT {TOP_REASONS * 3}",
        [start, start, _day(scope.before_start), _day(scope.today), *params, start],
    )


def _reasons(scope: Scope, rows: Iterable[tuple[str, str, int, int]]) -> list[Reason]:
    """The top reasons, rising or falling, leaving out codes that only restate an outcome."""
    reasons = []
    for provider, code, n, before in rows:
        described = vocabulary.describe(provider, code)
        if described.category in NOT_REASONS:  # describe() names the category by its label
            continue
        reasons.append(
            Reason(
                provider=provider,
                provider_label=_label(provider),
                code=code,
                meaning=described.meaning,
                records=n,
                href=scope.period_door(provider=provider, reason=code),
                records_before=before,
                before_href=scope.before_door(provider=provider, reason=code),
            )
        )
    return reasons[:TOP_REASONS]


def _unknown_day(scope: Scope, counts: dict[str, int], providers) -> list[Mark]:
    return [
        Mark(
            label=label,
            value=counts[kind],
            href=scope.door(provider=kind, created_known="no"),
            title=f"{label}: {counts[kind]:,} records whose provider gave no creation time",
        )
        for kind, label in providers
        if counts.get(kind)
    ]


def _age_doors(scope: Scope) -> list[tuple[date | None, date | None]]:
    """Each age bucket's creation days (from, to). The youngest bucket has no upper date:
    a creation time "tomorrow" (a provider's clock ahead of ours) is still counted, and
    still in its list."""
    doors = []
    for _text, youngest, oldest in AGE_BUCKETS:
        created_from = scope.today - timedelta(days=oldest) if oldest is not None else None
        created_to = scope.today - timedelta(days=youngest) if youngest else None
        doors.append((created_from, created_to))
    return doors


def _backlog_rows(scope: Scope) -> tuple[tuple[int, int], ...]:
    """The records the providers are still checking (in review), summed per age bucket
    (bucket -1: no creation day), each a sum over a range of the index on (outcome, day,
    records): one query, no grouping."""
    where, params = _scoped(scope)
    ranges = [("day = %s", [_day(UNKNOWN_DAY)])]
    for created_from, created_to in _age_doors(scope):
        # The oldest bucket has no first day, but the day of no creation time is not in it.
        low = ("day >= %s", _day(created_from)) if created_from else ("day > %s", _day(UNKNOWN_DAY))
        bounds, values = [low[0]], [low[1]]
        if created_to is not None:
            bounds.append("day <= %s")
            values.append(_day(created_to))
        ranges.append((" AND ".join(bounds), values))
    columns, values = [], []
    for condition, condition_params in ranges:
        columns.append(
            f"(SELECT COALESCE(SUM(records), 0) FROM {DAILY} "  # noqa: S608 -- fixed text; values are parameters
            f"WHERE outcome = %s AND {condition}{where})"
        )
        values += [Outcome.IN_REVIEW.value, *condition_params, *params]
    (row,) = _select(f"SELECT {', '.join(columns)}", values)
    return tuple(zip(range(-1, len(AGE_BUCKETS)), row, strict=True))


def _scoped(scope: Scope, *, table: str = "") -> tuple[str, list[Any]]:
    """The scope's provider and account as SQL conditions (on `table`'s columns when
    named) and their parameters."""
    column = f"{table}." if table else ""
    where, params = "", []
    if scope.provider:
        where += f" AND {column}provider = %s"
        params.append(scope.provider)
    if scope.account is not None:
        where += f" AND {column}account_id = %s"
        params.append(scope.account.pk)
    return where, params


def _day(day: date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _select(sql: str, params: list[Any]) -> tuple[tuple, ...]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(tuple(row) for row in cursor.fetchall())


def _backlog(scope: Scope, rows: Iterable[tuple[int, int]]) -> list[Mark]:
    counts = dict(rows)
    marks = []
    doors = _age_doors(scope)
    for i, (label, _youngest, _oldest) in enumerate(AGE_BUCKETS):
        n = counts.get(i) or 0
        created_from, created_to = doors[i]
        href = scope.door(
            outcome=Outcome.IN_REVIEW.value, created_from=created_from, created_to=created_to
        )
        title = f"In review at the provider, created {label} ago (UTC days): {n:,}"
        marks.append(Mark(label=label, value=n, href=href, title=title))
    unknown = counts.get(-1) or 0
    marks.append(
        Mark(
            label="creation time not given",
            value=unknown,
            href=scope.door(outcome=Outcome.IN_REVIEW.value, created_known="no"),
            title=f"In review, provider gave no creation time: {unknown:,}",
        )
    )
    return marks


def _label(kind: str) -> str:
    try:
        return ProviderKind(kind).label
    except ValueError:
        return kind


# As the navigation's queue counts: past it, "999+".
CASE_CAP = 999


def case_counts(scope: Scope, *, cap: int = CASE_CAP) -> list[Mark]:
    """idvdash's own cases in progress, escalated and waiting for approval, each counted
    up to `cap` on the reviews' state index (a LIMITed count per state, as the list
    counts: "999+" past it), joined to the mirror only when a provider or account is
    chosen: one query."""
    from idvdash.reviews.models import Review
    from idvdash.verifications.models import Verification

    reviews, mirror = Review._meta.db_table, Verification._meta.db_table
    where, params = _scoped(scope, table="v")
    join = f" JOIN {mirror} v ON v.id = r.verification_id" if where else ""
    states = Review.ACTIVE_STATES
    capped = (
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM {reviews} r{join} "  # noqa: S608 -- fixed text; values are parameters
        f"WHERE r.state = %s{where} LIMIT {cap + 1}) AS capped)"
    )
    (row,) = _select(
        f"SELECT {', '.join([capped] * len(states))}",
        [value for state in states for value in (state.value, *params)],
    )
    marks = []
    for state, counted in zip(states, row, strict=True):
        shown = f"{cap:,}+" if counted > cap else f"{counted:,}"
        marks.append(
            Mark(
                label=state.label,
                value=min(counted, cap),
                href=scope.door(review_state=state.value),
                title=f"Cases {state.label.lower()}: {shown}",
                note=shown,
            )
        )
    return marks
