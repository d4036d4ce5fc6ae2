"""The mirror's querysets: list filters, search, one record, its person, and totals.

Every list ordering ends on `id`, and every filter is shaped to walk the indexes on
Verification (`(-changed_at, -id)`, `(-first_seen_at, -id)`,
`(provider|account|outcome|suspected|subject_ref, -changed_at or -first_seen_at, -id)`,
`external_id`). The list sorts and filters on idvdash's own times, which every row
has; the provider's times are shown where it gave them, and sort nothing. Keyset conditions avoid row values, `a <= x AND (a < x OR id < y)`,
so SQLite and PostgreSQL both turn the first term into an index range.

Search matches the start of subject_ref / external_id (the default, on the
`lower(column)` indexes) or, with Match.CONTAINS, any part of them of at least
three characters (trigram indexes: pg_trgm on PostgreSQL, an FTS5 trigram table on
SQLite).

models.py builds its managers from here, so this module imports no model at load time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Expression,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate, Lower
from django.db.models.lookups import Contains, GreaterThanOrEqual, LessThan, StartsWith
from django.utils import timezone

from idvdash.providers.models import ProviderAccount

if TYPE_CHECKING:
    from .models import Verification
    from .queries import Cursor

MAX_PK = 2**63 - 1
SURROGATES_START, SURROGATES_END = 0xD800, 0xDFFF
# Substring search walks trigram indexes, which need three characters to narrow anything.
CONTAINS_MIN_LENGTH = 3
# What a live provider read needs: the ids (and the subject, through which Swan reaches
# a record), the stored snapshot and the times it may correct, the mirrored fields a
# re-read full status shows (Stora, Swan), and the account to call.
LIVE_COLUMNS = (
    "id",
    "erased_at",
    "provider",
    "external_id",
    "subject_ref",
    "detail",
    "detail_fetched_at",
    "provider_created_at",
    "provider_updated_at",
    "raw_status",
    "raw",
    "levels",
    "process",
    "last_synced_at",
    "account__name",
    "account__kind",
    "account__base_url",
    "account__token_url",
    "account__credentials",
    "account__rate_limits",
    # Where the account keeps its customer reference (a live read's traits, idvdash/people).
    "account__customer_ref_key",
)
# What the list and the export show: everything else (the payloads) stays on disk.
LIST_COLUMNS = (
    "account__name",
    "erased_at",
    "erased_by_retention",
    "provider",
    "external_id",
    "subject_ref",
    "outcome",
    "decisive_outcome",
    "raw_status",
    "suspected",
    "reason_codes",
    "provider_created_at",
    "provider_updated_at",
    "first_seen_at",
    "changed_at",
    "last_synced_at",
)


class Match(StrEnum):
    """How the search text is matched against subject_ref and external_id."""

    PREFIX = "prefix"
    CONTAINS = "contains"

    @property
    def label(self) -> str:
        return "Starts with" if self is Match.PREFIX else "Contains"


class Sort(StrEnum):
    """List orderings: one of idvdash's own times and a direction, always ending on id.

    "updated" is when the mirror last saw the record change (`changed_at`), "created"
    when idvdash first saw it (`first_seen_at`): times every row has, at every provider.
    """

    UPDATED_DESC = "-updated"
    UPDATED_ASC = "updated"
    CREATED_DESC = "-created"
    CREATED_ASC = "created"

    @property
    def column(self) -> str:
        return "changed_at" if self.value.endswith("updated") else "first_seen_at"

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")

    @property
    def label(self) -> str:
        return SORT_LABELS[self]

    @property
    def time_label(self) -> str:
        """The name of the time this sort orders by, for people."""
        return TIME_LABELS[self.column]


SORT_LABELS = {
    Sort.UPDATED_DESC: "Recently changed in idvdash's mirror",
    Sort.UPDATED_ASC: "Least recently changed in idvdash's mirror",
    Sort.CREATED_DESC: "First seen by idvdash, newest first",
    Sort.CREATED_ASC: "First seen by idvdash, oldest first",
}
TIME_LABELS = {
    "changed_at": "Last changed in idvdash's mirror",
    "first_seen_at": "First seen by idvdash",
}


class VerificationQuerySet(QuerySet):
    """Small chainable filters for the reviewer list; each keeps an index usable."""

    def for_list(self) -> Self:
        """The account joined, and only the columns a list row shows (no payloads)."""
        return self.select_related("account").only(*LIST_COLUMNS)

    def for_provider(self, provider: str) -> Self:
        return self.filter(provider=provider)

    def for_account(self, account_id: int) -> Self:
        return self.filter(account_id=account_id)

    def for_subject(self, subject_ref: str) -> Self:
        return self.filter(subject_ref=subject_ref)

    def with_outcomes(self, outcomes: Sequence[str]) -> Self:
        if len(outcomes) == 1:
            return self.filter(outcome=outcomes[0])
        return self.filter(outcome__in=outcomes)

    def suspicious(self, flag: bool = True) -> Self:
        return self.filter(suspected=flag)

    def updated_between(
        self, start: date | None, end: date | None, *, sort: Sort = Sort.UPDATED_DESC
    ) -> Self:
        """Keep rows last changed in the mirror on or after `start`, on or before `end` (UTC days)."""
        qs, updated = self, updated_for(sort)
        if start is not None:
            qs = qs.filter(GreaterThanOrEqual(updated, _day_start(start)))
        if end is not None:
            qs = qs.filter(LessThan(updated, _day_start(end + timedelta(days=1))))
        return qs

    def stale(self, days: int, *, sort: Sort = Sort.UPDATED_DESC) -> Self:
        """Keep rows whose state has not changed in the mirror for at least `days` days."""
        return self.filter(LessThan(updated_for(sort), timezone.now() - timedelta(days=days)))

    def created_between(self, start: date | None, end: date | None) -> Self:
        """Keep rows the provider says it created on or after `start`, on or before `end`
        (UTC days). Rows whose provider gave no creation time are left out: their day is
        unknown (`created_known(False)` finds them)."""
        qs = self
        if start is not None:
            qs = qs.filter(provider_created_at__gte=_day_start(start))
        if end is not None:
            qs = qs.filter(provider_created_at__lt=_day_start(end + timedelta(days=1)))
        return qs

    def created_known(self, flag: bool) -> Self:
        """Keep rows whose provider gave (True) or did not give (False) a creation time."""
        return self.filter(provider_created_at__isnull=not flag)

    def with_reasons(self, codes: Sequence[str]) -> Self:
        """Keep rows carrying any of `codes` among their reason / tag codes.

        Reads the codes' index (figures.VerificationReason, kept by triggers), never the
        JSON of every row.
        """
        from idvdash.figures.models import VerificationReason  # imports the mirror's models

        carrying = VerificationReason.objects.filter(code__in=list(codes))
        return self.filter(pk__in=carrying.values("verification_id"))

    def matching(self, text: str, match: Match = Match.PREFIX) -> Self:
        """Keep rows whose subject_ref or external_id starts with (or contains) `text`, any case."""
        if not text.strip():
            return self
        if match is Match.CONTAINS:
            return self.filter(contains_condition(text))
        return self.filter(search_condition(text))

    def ordered(self, sort: Sort) -> Self:
        prefix = "-" if sort.descending else ""
        return self.order_by(f"{prefix}{sort.column}", f"{prefix}id")

    def after(self, cursor: Cursor) -> Self:
        """Keep rows after `cursor` in its sort: `a <= x AND (a < x OR id < y)` (descending)."""
        column = cursor.sort.column
        if cursor.sort.descending:
            return self.filter(
                Q(**{f"{column}__lte": cursor.value})
                & (Q(**{f"{column}__lt": cursor.value}) | Q(pk__lt=cursor.pk))
            )
        return self.filter(
            Q(**{f"{column}__gte": cursor.value})
            & (Q(**{f"{column}__gt": cursor.value}) | Q(pk__gt=cursor.pk))
        )

    def for_detail(self, pk: int) -> Verification | None:
        """Return one verification with its account, or None."""
        if not 0 < pk <= MAX_PK:
            return None
        return self.select_related("account").filter(pk=pk).first()

    def for_live(self, pk: int) -> Verification | None:
        """Return one verification with just what a live provider read needs, or None.

        A live fragment renders the provider's answer, or the few mirrored fields a re-read
        full status shows; the other columns stay in the database.
        """
        if not 0 < pk <= MAX_PK:
            return None
        return (self.select_related("account").only(*LIVE_COLUMNS).filter(pk=pk)).first()

    def outcome_totals(self) -> list[dict[str, Any]]:
        """Return {"provider", "outcome", "n"} for each provider and outcome (one query)."""
        return list(
            self.values("provider", "outcome")
            .annotate(n=Count("id"))
            .order_by("provider", "outcome")
        )


class SyncRunQuerySet(QuerySet):
    """What the Sync page shows of each account's runs."""

    def overview(self) -> list[dict[str, Any]]:
        """Every account with its latest run, its latest successful run and its webhooks.

        Two queries: the accounts (with the last webhook received, how many failed and
        the latest failure's error), and their runs.
        """
        from .models import WebhookEvent  # the models module imports this one

        latest = self.filter(account=OuterRef("pk")).order_by("-queued_at", "-id")
        succeeded = latest.filter(state=self.model.State.SUCCEEDED)
        events = WebhookEvent.objects.filter(account=OuterRef("pk"))
        failed = events.filter(state=WebhookEvent.State.FAILED).order_by("-received_at", "-id")
        accounts = list(
            ProviderAccount.objects.annotate(
                latest_id=Subquery(latest.values("pk")[:1]),
                succeeded_id=Subquery(succeeded.values("pk")[:1]),
                webhook_last=Subquery(events.order_by("-received_at").values("received_at")[:1]),
                webhook_failed=Subquery(
                    failed.order_by().values("account").annotate(n=Count("pk")).values("n")
                ),
                webhook_error=Subquery(failed.values("error")[:1]),
            )
        )
        runs = self.in_bulk([pk for a in accounts for pk in (a.latest_id, a.succeeded_id) if pk])
        now = timezone.now()
        rows = []
        for account in accounts:
            last_ok = runs.get(account.succeeded_id)
            run = runs.get(account.latest_id)
            if run is not None:
                run.account = account  # known already: no query per row
            rows.append(
                {
                    "account": account,
                    "run": run,
                    "since": now - (run.finished_at or run.started_at or run.queued_at)
                    if run
                    else None,
                    "data_age": now - last_ok.finished_at
                    if last_ok and last_ok.finished_at
                    else None,
                    "webhook_age": now - account.webhook_last if account.webhook_last else None,
                    "webhook_failed": account.webhook_failed or 0,
                    "webhook_error": account.webhook_error or "",
                }
            )
        return rows


class WebhookEventQuerySet(QuerySet):
    def changed(self, verification: Verification, *, limit: int) -> list:
        """The latest `limit` events that changed a verification, newest first (one query)."""
        return list(self.filter(changed=verification).order_by("-received_at", "-id")[:limit])


def search_condition(text: str) -> Q:
    """Q for rows whose subject_ref or external_id equals or starts with `text`, any case."""
    needle = text.strip().lower()
    if not needle:
        return Q()
    return _prefix_of("subject_ref", needle) | _prefix_of("external_id", needle)


def contains_condition(text: str) -> Q:
    """Q for rows whose subject_ref or external_id contains `text`, any case.

    `text` needs CONTAINS_MIN_LENGTH characters (the form checks); shorter text is
    matched as a prefix instead, which an index can still serve.
    """
    needle = text.strip().lower()
    if len(needle) < CONTAINS_MIN_LENGTH:
        return search_condition(needle)
    if connection.vendor == "sqlite":
        phrase = '"' + needle.replace('"', '""') + '"'
        return Q(
            pk__in=RawSQL("SELECT rowid FROM verif_search WHERE verif_search MATCH %s", [phrase])
        )
    return Q(Contains(Lower(F("subject_ref")), needle)) | Q(
        Contains(Lower(F("external_id")), needle)
    )


class NotIndexed(Func):
    """SQLite's unary plus: the same value, but the planner will not drive a query by it."""

    template = "+%(expressions)s"
    output_field = DateTimeField()


def updated_for(sort: Sort) -> Expression:
    """changed_at to filter on, when the list is in `sort` order.

    Sorted by first-seen time, a range on changed_at must not pick the index: SQLite
    would read the whole range and sort it in a temporary B-tree. Walking the
    first-seen index and checking changed_at per row stops after one page.
    PostgreSQL weighs both with its statistics and needs no hint.
    """
    if sort.column == "changed_at" or connection.vendor != "sqlite":
        return F("changed_at")
    return NotIndexed(F("changed_at"))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _lowered(column: str) -> Expression:
    """LOWER(column), compared byte-wise so a prefix is one contiguous index range.

    PostgreSQL compares text with the database collation, where a prefix range can
    miss rows (punctuation is ignored at the first level); "C" compares code points,
    like SQLite's default BINARY.
    """
    expression = Lower(F(column))
    if connection.vendor == "postgresql":
        return Collate(expression, "C")
    return expression


def _prefix_of(column: str, needle: str) -> Q:
    """Q for LOWER(column) in [needle, needle with its last character incremented)."""
    lowered = _lowered(column)
    last = ord(needle[-1])
    if last >= 0x10FFFF:
        return Q(StartsWith(lowered, needle))
    following = last + 1 if last + 1 != SURROGATES_START else SURROGATES_END + 1
    upper = needle[:-1] + chr(following)
    return Q(GreaterThanOrEqual(lowered, needle), LessThan(lowered, upper))
