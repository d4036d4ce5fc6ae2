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

from django.db.models import Case, CharField, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Cast
from django.urls import reverse

from idvdash.providers import vocabulary
from idvdash.providers.codes import CATEGORY_LABELS
from idvdash.providers.models import ProviderAccount
from idvdash.providers.outcomes import DECISIVE_OUTCOMES, Outcome
from idvdash.providers.registry import ProviderKind

from .models import UNKNOWN_DAY, DailyFigure, ReasonFigure

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
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

    def q(self) -> Q:
        q = Q()
        if self.provider:
            q &= Q(provider=self.provider)
        if self.account is not None:
            q &= Q(account_id=self.account.pk)
        return q

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


@dataclass(slots=True)
class Series:
    """One row of a small-multiples chart (a provider, an outcome) over the period's days."""

    key: str
    label: str
    marks: list[Mark]
    total: int
    href: str


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
    days: list[date]
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


def overview(scope: Scope) -> Overview:
    """Read every chart's figures for `scope`: four queries, each on an index, each
    returning at most a row per day, provider and outcome of the period (summed in
    the database: a 90-day page reads a few thousand figures, never the mirror)."""
    in_period = _period_rows(scope)
    before, unknown = _before_and_unknown(scope)
    days = [scope.start + timedelta(days=i) for i in range(scope.days)]
    providers = _providers(scope, [*in_period, *before, *unknown])
    return Overview(
        scope=scope,
        days=days,
        per_provider=_per_day(scope, days, in_period, "provider", providers),
        per_outcome=_per_day(scope, days, in_period, "outcome", _outcomes(in_period)),
        rates=_rates(scope, in_period, before, providers),
        reasons=_reasons(scope),
        unknown_day=_unknown_day(scope, unknown, providers),
        backlog=_backlog(scope),
        total=sum(r["n"] for r in in_period),
    )


def _period_rows(scope: Scope) -> list[dict[str, Any]]:
    """The period's figures by day (as ISO text: a month of them is a thousand rows, and
    parsing each into a date costs more than the query), provider and outcome, summed
    over accounts."""
    rows = (
        DailyFigure.objects.filter(scope.q(), day__gte=scope.start, day__lte=scope.today)
        .annotate(iso=Cast("day", CharField()))
        .values_list("iso", "provider", "outcome")
        .annotate(n=Sum("records"))
        .order_by()
    )
    return [
        {"day": iso, "provider": provider, "outcome": outcome, "n": n}
        for iso, provider, outcome, n in rows
        if n
    ]


def _before_and_unknown(scope: Scope) -> tuple[list[dict], list[dict]]:
    """The period before this one, and the records without a creation day, by provider
    and outcome (one query)."""
    before = Q(day__gte=scope.before_start, day__lt=scope.start)
    rows = (
        DailyFigure.objects.filter(scope.q(), before | Q(day=UNKNOWN_DAY))
        .annotate(unknown=Case(When(day=UNKNOWN_DAY, then=Value(True)), default=Value(False)))
        .values("unknown", "provider", "outcome")
        .annotate(n=Sum("records"))
        .order_by()
    )
    rows = [r for r in rows if r["n"]]
    return [r for r in rows if not r["unknown"]], [r for r in rows if r["unknown"]]


def _providers(scope: Scope, rows: Iterable[dict]) -> list[tuple[str, str]]:
    if scope.provider:
        return [(scope.provider, ProviderKind(scope.provider).label)]
    present = {r["provider"] for r in rows}
    return [(kind.value, kind.label) for kind in ProviderKind if kind.value in present]


def _outcomes(rows: Iterable[dict]) -> list[tuple[str, str]]:
    present = {r["outcome"] for r in rows}
    return [(o.value, o.label) for o in Outcome if o.value in present]


def _per_day(
    scope: Scope, days: list[date], rows: list[dict], by: str, keys: list[tuple[str, str]]
) -> list[Series]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row[by]][row["day"]] += row["n"]  # the day as ISO text
    series = []
    for key, label in keys:
        # One door per day: the series' own URL and the day (ISO dates need no quoting).
        prefix = scope.door(**{by: key})
        column = counts[key]
        marks = []
        for day in days:
            iso = day.isoformat()
            n = column[iso]
            marks.append(
                Mark(
                    label=iso,
                    value=n,
                    href=f"{prefix}&created_from={iso}&created_to={iso}",
                    title=f"{label}, created {iso} (UTC): {n:,}",
                )
            )
        total = sum(m.value for m in marks)
        series.append(Series(key, label, marks, total, scope.period_door(**{by: key})))
    return series


def _rates(
    scope: Scope, rows: list[dict], before: list[dict], providers: list[tuple[str, str]]
) -> list[Rate]:
    approved, decided = _approved_and_decided(rows)
    approved_before, decided_before = _approved_and_decided(before)
    return [
        Rate(
            provider=kind,
            label=label,
            approved=approved[kind],
            decided=decided[kind],
            approved_href=scope.period_door(provider=kind, outcome=Outcome.APPROVED.value),
            decided_href=scope.period_door(provider=kind, outcome=list(DECIDED)),
            approved_before=approved_before[kind],
            decided_before=decided_before[kind],
            decided_before_href=scope.before_door(provider=kind, outcome=list(DECIDED)),
        )
        for kind, label in providers
    ]


def _approved_and_decided(rows: list[dict]) -> tuple[dict[str, int], dict[str, int]]:
    approved: dict[str, int] = defaultdict(int)
    decided: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["outcome"] in DECIDED:
            decided[row["provider"]] += row["n"]
        if row["outcome"] == Outcome.APPROVED:
            approved[row["provider"]] += row["n"]
    return approved, decided


def _reasons(scope: Scope) -> list[Reason]:
    """The codes most records of the period carry, with their count in the period before
    (rising or falling), leaving out codes that only restate an outcome (a few more are
    read than shown, so those can be dropped)."""
    in_period = Q(day__gte=scope.start)
    rows = (
        ReasonFigure.objects.filter(scope.q(), day__gte=scope.before_start, day__lte=scope.today)
        .values("provider", "code")
        .annotate(
            n=Sum("records", filter=in_period, default=0),
            before=Sum("records", filter=~in_period, default=0),
        )
        .filter(n__gt=0)
        .order_by("-n", "provider", "code")[: TOP_REASONS * 3]
    )
    reasons = []
    for row in rows:
        described = vocabulary.describe(row["provider"], row["code"])
        if described.category in NOT_REASONS:  # describe() names the category by its label
            continue
        reasons.append(
            Reason(
                provider=row["provider"],
                provider_label=_label(row["provider"]),
                code=row["code"],
                meaning=described.meaning,
                records=row["n"],
                href=scope.period_door(provider=row["provider"], reason=row["code"]),
                records_before=row["before"],
                before_href=scope.before_door(provider=row["provider"], reason=row["code"]),
            )
        )
    return reasons[:TOP_REASONS]


def _unknown_day(scope: Scope, rows: list[dict], providers) -> list[Mark]:
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["provider"]] += row["n"]
    return [
        Mark(
            label=label,
            value=counts[kind],
            href=scope.door(provider=kind, created_known="no"),
            title=f"{label}: {counts[kind]:,} records whose provider gave no creation time",
        )
        for kind, label in providers
        if counts[kind]
    ]


def _backlog(scope: Scope) -> list[Mark]:
    """The records the providers are still checking (in review), by age of creation,
    summed per age bucket in the database (one query on the outcome's index)."""
    buckets = [When(day=UNKNOWN_DAY, then=Value(-1))]  # first: the oldest date of all
    doors = []
    for i, (_text, youngest, oldest) in enumerate(AGE_BUCKETS):
        # The youngest bucket has no upper date: a creation time "tomorrow" (a provider's
        # clock ahead of ours) is still counted, and still in its list.
        created_from = scope.today - timedelta(days=oldest) if oldest is not None else None
        created_to = scope.today - timedelta(days=youngest) if youngest else None
        condition = Q()
        if created_from is not None:
            condition &= Q(day__gte=created_from)
        if created_to is not None:
            condition &= Q(day__lte=created_to)
        buckets.append(When(condition, then=Value(i)))
        doors.append((created_from, created_to))
    counts = dict(
        DailyFigure.objects.filter(scope.q(), outcome=Outcome.IN_REVIEW)
        .annotate(bucket=Case(*buckets, output_field=IntegerField()))
        .values_list("bucket")
        .annotate(n=Sum("records"))
        .order_by()
    )
    marks = []
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
    counts: "10,000+" past it), joined to the mirror only when a provider or account is
    chosen."""
    from idvdash.reviews.models import Review

    states = (Review.State.IN_PROGRESS, Review.State.ESCALATED, Review.State.AWAITING_APPROVAL)
    marks = []
    for state in states:
        reviews = Review.objects.filter(state=state)
        if scope.provider:
            reviews = reviews.filter(verification__provider=scope.provider)
        if scope.account is not None:
            reviews = reviews.filter(verification__account_id=scope.account.pk)
        counted = reviews.order_by().values("state")[: cap + 1].count()
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
