"""The sync service: the only code that writes Verification rows.

A run pages through the account's provider client, normalises each record and
upserts the pages (on SQLite a group at a time, `_Pending`), each page or group
in one transaction together with the account's checkpoint, so a run stopped
resumes after the last one it wrote (a run that fails writes what it read
first). Runs are recorded as SyncRun rows; the database allows one active
(queued or running) run per account.

The account's `sync_checkpoint` holds:
  {"next": <client checkpoint that starts the next run>,
   "scan": {"started_at": <iso>, "client": <client checkpoint after the last page>,
            "total": <the list's length at the last page>, "shrank": <note>,
            "id": <its Scan record>, "partial": <resumed without that record>}}
"scan" exists only while a run is unfinished; a new run that finds it resumes.
Which rows each page listed is recorded with the page (`listing.py`), not stamped on
the rows: a page in which nothing changed writes no row of the mirror.

A complete full scan counts the rows it did not see as missing. A list read by
position (iDenfy pages, Equals offsets) that shrinks while it is read moves rows
from unread pages onto pages already read, so the walk skips rows that still
exist: such a scan is not complete. It shows as a drop in the total a page
reports (`Page.total`), or as a page that no longer exists (`Page.past_end`,
iDenfy's 404 "Invalid page."). The run then still succeeds with every row it did
read, counts nothing missing, and says so in its `note` (`SHRANK`); totals and
note live in "scan", so a resumed run compares against the interrupted one.
The walk is not restarted: these providers are re-scanned in full on every run
anyway, a second pass would double the requests against their rate limits, and a
list still being purged would shrink under it again. Adding and removing the same
number of rows between two pages leaves the total unchanged and goes unnoticed.
Cursors that name a row (Swan) and `updated_after` windows (Stora) skip nothing
when rows vanish; their pages report no total.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from idvdash.core.lookups import found_by
from idvdash.people.observe import observe_page
from idvdash.providers.base import Page, ProviderClient, VerificationRecord
from idvdash.providers.errors import ProviderError
from idvdash.providers.models import ProviderAccount
from idvdash.providers.outcomes import DECISIVE_OUTCOMES
from idvdash.providers.registry import client_for, provider
from idvdash.retention import tombstones

from . import listing, normalise, readahead, statistics
from .models import Scan, SyncRun, Verification
from .signals import mirror_written

log = logging.getLogger(__name__)

# A running sync that has not finished a page for this long is taken to be dead.
STALE_AFTER = timedelta(minutes=10)
WRITE_BATCH = 500

REFUSED = "A sync of {account} is already {state} (since {since:%Y-%m-%d %H:%M:%S} UTC); not started again."
INTERRUPTED = "Interrupted: no progress since {since:%Y-%m-%d %H:%M:%S} UTC. The next sync resumes where it stopped."
STOPPED = "Stopped before it finished. The next sync resumes where it stopped."
UNEXPECTED = "Unexpected {error} while syncing {account}; the mirror was not changed by the failed page (reference: sync run {run})."
SHRANK = "The list of {account} shrank while it was read ({how}); rows that moved onto pages already read may have been skipped, so none are counted missing this time. The next sync reads them."
SHRANK_COUNT = "{before:,} rows, then {after:,}"
SHRANK_PAGE = "a page it had announced no longer exists"

# Fields a write sets on an existing row; first_seen_at and the detail snapshot are
# never touched, and subject_ref is kept when the provider omits it. The provider's
# times and changed_at are written by the rules in write_rows.
UPDATE_FIELDS = [
    "provider",
    "subject_ref",
    "outcome",
    "raw_status",
    "decisive_outcome",
    "suspected",
    "reason_codes",
    "levels",
    "process",
    "provider_created_at",
    "provider_updated_at",
    "changed_at",
    "raw",
    "fingerprint",
    "last_synced_at",
    "last_seen_at",
    "erased_at",
]
# What the mirror shows of a verification's state: changed_at moves when one of these does.
STATE_FIELDS = ["raw_status", "outcome", "suspected", "reason_codes", "levels", "process"]


class SyncRefused(Exception):
    """Another sync of the account is queued or running; str() says so for people."""


def sync_account(
    *,
    account: ProviderAccount,
    trigger: str = "command",
    client: ProviderClient | None = None,
    scope: str | None = None,
) -> SyncRun:
    """Sync one account now, in this process; return the finished SyncRun.

    `scope` None is what a person asking for a sync expects: the whole list, or for a
    provider read incrementally, what changed since the last sync.
    """
    run = start_run(account=account, trigger=trigger, scope=scope)
    return execute(run=run, client=client)


def natural_scope(account: ProviderAccount) -> str:
    """The scope of a sync asked for by a person (see sync_account)."""
    incremental = provider(account.kind).client.incremental
    return SyncRun.Scope.RECENT if incremental else SyncRun.Scope.FULL


def start_run(*, account: ProviderAccount, trigger: str, scope: str | None = None) -> SyncRun:
    """Claim the account for a sync in this process: take over a queued run or start one."""
    now = timezone.now()
    with transaction.atomic():
        expire_stale_runs(account=account, now=now)
        queued = (
            SyncRun.objects.select_for_update()
            .filter(account=account, state=SyncRun.State.QUEUED)
            .first()
        )
        if queued is not None:
            _mark_running(queued, now=now)
            return queued
        try:
            with transaction.atomic():
                return SyncRun.objects.create(
                    account=account,
                    trigger=trigger,
                    scope=scope or natural_scope(account),
                    state=SyncRun.State.RUNNING,
                    started_at=now,
                    heartbeat_at=now,
                )
        except IntegrityError:
            raise SyncRefused(_refusal(account)) from None


def enqueue_run(*, account: ProviderAccount, trigger: str, scope: str | None = None) -> SyncRun:
    """Queue a background sync of the account (refused if one is queued or running)."""
    from .tasks import run_sync  # tasks imports this module

    with transaction.atomic():
        expire_stale_runs(account=account, now=timezone.now())
        try:
            with transaction.atomic():
                run = SyncRun.objects.create(
                    account=account, trigger=trigger, scope=scope or natural_scope(account)
                )
        except IntegrityError:
            raise SyncRefused(_refusal(account)) from None
        transaction.on_commit(lambda: run_sync.enqueue(run.pk))
    return run


def claim_queued(*, run_id: int) -> SyncRun | None:
    """Mark a queued run as running for this worker; None if it is no longer queued."""
    now = timezone.now()
    claimed = SyncRun.objects.filter(pk=run_id, state=SyncRun.State.QUEUED).update(
        state=SyncRun.State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return None
    return SyncRun.objects.select_related("account").get(pk=run_id)


def expire_stale_runs(*, account: ProviderAccount, now: datetime) -> int:
    """Fail running syncs of the account that stopped making progress; return how many."""
    stale = SyncRun.objects.filter(
        account=account, state=SyncRun.State.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    expired = 0
    for run in stale:
        run.state = SyncRun.State.FAILED
        run.finished_at = now
        run.error = INTERRUPTED.format(since=run.heartbeat_at)
        run.save(update_fields=["state", "finished_at", "error"])
        expired += 1
    return expired


def execute(*, run: SyncRun, client: ProviderClient | None = None) -> SyncRun:
    """Page through the provider and upsert every page; finish and return the run."""
    account = run.account
    checkpoint = dict(account.sync_checkpoint or {})
    scan = checkpoint.get("scan")
    run.resumed = bool(scan)
    incremental = provider(account.kind).client.incremental
    if scan:
        run.scope = scan.get("scope", run.scope)  # a resumed scan keeps its scope
    else:
        # A full scan of an incremental provider, and the newest pages of any other,
        # read from the start of the list; otherwise the walk goes on from the last one.
        from_start = (run.scope == SyncRun.Scope.FULL) == incremental
        start = {} if from_start else checkpoint.get("next") or {}
        scan = {"started_at": run.started_at.isoformat(), "client": start, "scope": run.scope}
    if not Scan.objects.filter(pk=scan.get("id"), account=account, finished_at=None).exists():
        # A scan resumed without its record (one begun before scans were recorded, or
        # whose record was removed) cannot say what its earlier pages listed.
        scan["partial"] = run.resumed
        started = datetime.fromisoformat(scan["started_at"])
        scan["id"] = Scan.objects.create(account=account, started_at=started).pk
    run.save(update_fields=["resumed", "scope"])
    try:
        client = client or client_for(account)
        try:
            final = _walk(run=run, client=client, checkpoint=checkpoint, scan=scan)
        finally:
            client.close()
        _backfill(run)
        _finish(run=run, client=client, checkpoint=final, scan=scan)
    except ProviderError as err:
        _fail(run, str(err))
    except KeyboardInterrupt:
        _fail(run, STOPPED)
        raise
    except Exception as err:
        # The frames, not the message: an exception's text may quote provider data.
        log.error(
            "sync run %s of account %s failed: unexpected %s (message withheld)\n%s",
            run.pk,
            account.name,
            type(err).__name__,
            "".join(traceback.format_tb(err.__traceback__)),
        )
        _fail(run, UNEXPECTED.format(error=type(err).__name__, account=account.name, run=run.pk))
    return run


def _walk(*, run: SyncRun, client: ProviderClient, checkpoint: dict, scan: dict) -> dict[str, Any]:
    """Upsert page after page; return the client checkpoint after the last one.

    `scan` is kept up to date in place. Pages that write rows are written, in one
    transaction with the progress of every page read so far (the checkpoint, what they
    listed, the run's counts), a few at a time where pages are read one after the other
    (SQLite, `_Pending`): each commit writes every database page it changed, and an
    index page shared by neighbouring list pages is then written once, not once per
    list page. Where the next page is read ahead (PostgreSQL), each page at once. Pages that change nothing only
    add to that progress, saved at least every PROGRESS_EVERY seconds and when the walk
    ends or stops, so an unchanged re-scan costs a few writes, not three per page.
    """
    account = run.account
    limit = None
    if run.scope == SyncRun.Scope.RECENT and not client.incremental:
        limit = account.scan_policy.recent_pages or None
    progress = _Progress(position=scan["client"])
    fresh = statistics.DuringRun()  # PostgreSQL plans the next pages' lookups on them
    # The next page is read while this one is compared and written (`readahead.py`).
    pages = readahead.pages_of(client.iter_pages(checkpoint=progress.position))
    reading_ahead = isinstance(pages, readahead.ReadAhead)
    pending = _Pending(limit=WRITE_GROUP_ROWS_READING_AHEAD if reading_ahead else WRITE_GROUP_ROWS)

    def write_pending() -> None:
        nonlocal progress
        progress, created = _write_pending(
            run=run, pending=pending, progress=progress, checkpoint=checkpoint, scan=scan
        )
        pending.clear()
        fresh.created_rows(created)

    try:
        for page in pages:
            if limit is not None and scan.get("pages", 0) + progress.pages + len(pending) >= limit:
                break
            _track_length(scan, page, account=account)
            if pending.relists(page):
                # A record listed again (the list moved under the walk) is compared with
                # what its earlier page wrote, as without grouping.
                write_pending()
            plan = plan_page(account=account, page=page, enrich=client.enrich)
            if plan.rows or pending:
                pending.add(page.checkpoint, plan)
                if pending.due():
                    write_pending()
                continue
            listed: list[int] = []
            progress.add(
                page.checkpoint,
                write_plan(account=account, plan=plan, now=timezone.now(), listed=listed),
                listed,
            )
            if progress.due():
                write_pending()  # nothing pending: the progress alone
    except BaseException:
        # The pages read before the failure are written: keep them and their progress
        # if we can.
        with contextlib.suppress(Exception):
            write_pending()
        raise
    finally:
        pages.close()
    write_pending()
    return progress.position


# Pages that write rows are written together once they hold this many rows or pages, or
# once the first of them was read this many seconds ago: a transaction holds SQLite's
# one writer for about a tenth of a second, and a row reaches the mirror at most a
# second late. Where the next page is read while this one is written (PostgreSQL), a
# page is written as soon as it is compared: a group's pages would be compared at once
# and then written while the reader, one page ahead, waits (a Stora first import of
# 30,000 rows there: 0.98-1.09x by page, 1.15-1.38x in groups of 500 rows).
WRITE_GROUP_ROWS = 500
WRITE_GROUP_ROWS_READING_AHEAD = 1
WRITE_GROUP_PAGES = 20
WRITE_GROUP_SECONDS = 1.0
# Progress of pages that wrote nothing is saved at least this often.
PROGRESS_EVERY = 5.0


@dataclass
class _Pending:
    """Pages read and compared with the mirror, not written yet, in the order read: the
    checkpoint after each and its plan (not its records)."""

    limit: int  # rows that make a group
    pages: list[tuple[dict[str, Any], PagePlan]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    rows: int = 0
    since: float = 0.0

    def __len__(self) -> int:
        return len(self.pages)

    def add(self, checkpoint: dict[str, Any], plan: PagePlan) -> None:
        if not self.pages:
            self.since = time.monotonic()
        self.pages.append((checkpoint, plan))
        self.ids.update(fields["external_id"] for fields in plan.rows)
        self.rows += len(plan.rows)

    def relists(self, page: Page) -> bool:
        """Whether `page` lists a record that a pending page will write."""
        return bool(self.ids) and any(record.external_id in self.ids for record in page.records)

    def due(self) -> bool:
        return (
            self.rows >= self.limit
            or len(self.pages) >= WRITE_GROUP_PAGES
            or time.monotonic() - self.since >= WRITE_GROUP_SECONDS
        )

    def clear(self) -> None:
        self.pages, self.ids, self.rows = [], set(), 0


def _write_pending(
    *, run: SyncRun, pending: _Pending, progress: _Progress, checkpoint: dict, scan: dict
) -> tuple[_Progress, int]:
    """Write the pending pages and save the progress with them, in one transaction.

    Returns the progress after the save and the rows created. If the transaction fails,
    `progress` and `scan` are left as they were: a page whose rows were rolled back is
    never saved as read.
    """
    staged = progress.copy()
    before = dict(scan)
    created = 0
    try:
        with transaction.atomic():
            for position, plan in pending.pages:
                listed: list[int] = []
                counts = write_plan(
                    account=run.account, plan=plan, now=timezone.now(), listed=listed
                )
                staged.add(position, counts, listed)
                created += counts["created"]
            staged.save(run=run, checkpoint=checkpoint, scan=scan)
    except BaseException:
        scan.clear()
        scan.update(before)
        raise
    return staged, created


@dataclass
class _Progress:
    """What the pages read since the last save add up to."""

    position: dict[str, Any]
    pages: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    listed: list[int] = field(default_factory=list)
    since: float = field(default_factory=time.monotonic)

    def add(self, position: dict[str, Any], counts: dict[str, int], listed: list[int]) -> None:
        self.position = position
        self.pages += 1
        for name in COUNTS:
            self.counts[name] += counts[name]
        self.listed += listed

    def due(self) -> bool:
        return time.monotonic() - self.since >= PROGRESS_EVERY

    def copy(self) -> _Progress:
        return replace(self, counts=dict(self.counts), listed=list(self.listed))

    def save(self, *, run: SyncRun, checkpoint: dict, scan: dict) -> None:
        """Save it with the checkpoint it reached (call in a transaction), then start over."""
        if not self.pages:
            return
        account = run.account
        listing.record_page(scan["id"], self.listed)
        scan["client"] = self.position
        scan["pages"] = scan.get("pages", 0) + self.pages
        account.sync_checkpoint = {**checkpoint, "scan": dict(scan)}
        account.save(update_fields=["sync_checkpoint"])
        SyncRun.objects.filter(pk=run.pk).update(
            pages=F("pages") + self.pages,
            **{name: F(name) + self.counts[name] for name in COUNTS},
            heartbeat_at=timezone.now(),
        )
        self.pages, self.listed, self.since = 0, [], time.monotonic()
        self.counts = dict.fromkeys(COUNTS, 0)


COUNTS = ("created", "updated", "unchanged")


def _backfill(run: SyncRun) -> None:
    """Spend the end of the run on what the provider's list left out (`backfill.py`)."""
    from . import backfill  # backfill writes through this module

    def progress(read: int) -> None:
        SyncRun.objects.filter(pk=run.pk).update(backfilled=read, heartbeat_at=timezone.now())

    backfill.run(account=run.account, progress=progress)


def _track_length(scan: dict[str, Any], page: Page, *, account: ProviderAccount) -> None:
    """Note in `scan` when the list shrank under the walk (see the module docstring)."""
    how = None
    before = scan.get("total")
    if page.past_end:
        how = SHRANK_PAGE
    elif page.total is not None:
        if isinstance(before, int) and page.total < before:
            how = SHRANK_COUNT.format(before=before, after=page.total)
        scan["total"] = page.total
    if how and not scan.get("shrank"):
        scan["shrank"] = SHRANK.format(account=account.name, how=how)


def upsert_page(
    *,
    account: ProviderAccount,
    page: Page,
    now: datetime,
    enrich: Callable = lambda record: record,
    written: list[str] | None = None,
    listed: list[int] | None = None,
) -> dict[str, int]:
    """Write one page of records to the mirror; return created/updated/unchanged counts.

    The external ids of the rows created or changed are appended to `written`, and the
    ids of every row the page holds (written or unchanged) to `listed`. An unchanged
    row is not written at all: what a scan listed is its own record (`listing.py`).
    """
    plan = plan_page(account=account, page=page, enrich=enrich)
    return write_plan(account=account, plan=plan, now=now, written=written, listed=listed)


@dataclass
class PagePlan:
    """What one page will write: its new or changed rows' fields, and its unchanged rows."""

    rows: list[dict[str, Any]]
    unchanged: list[int]
    created: int
    # (subject ref, traits, written) of the records that carry traits (`idvdash/people`).
    traits: list[tuple[str, Any, bool]] = field(default_factory=list)


def plan_page(
    *, account: ProviderAccount, page: Page, enrich: Callable = lambda record: record
) -> PagePlan:
    """Compare a page with the mirror (one read) and learn what new records need.

    Writes nothing, so a sync calls it outside its transaction: the provider calls that
    enrich new records (iDenfy's status) hold no database lock, and a page in which
    nothing changed costs one query and no transaction.
    """
    records = {record.external_id: record for record in page.records if record.external_id}
    known = {row[0]: row[1:] for row in _stored(account, list(records))}
    plan = PagePlan(rows=[], unchanged=[], created=0)
    for external_id, record in records.items():
        pk, fingerprint, stored_subject, decisive = known.get(external_id, (None, None, "", ""))
        # The fingerprint is the payload exactly as the provider lists it (before
        # enrichment), so an unchanged listing is recognised on every later scan.
        as_listed = fingerprint_of(record.payload)
        if pk is not None and as_listed == fingerprint:
            plan.unchanged.append(pk)
            if record.traits:
                plan.traits.append((record.subject_ref or stored_subject, record.traits, False))
            continue
        if pk is None and not record.subject_ref:
            # Learned once per new record (iDenfy's clientId); known rows are never polled.
            record = enrich(record)
        fields = normalise.to_fields(account.kind, record)
        if not fields["subject_ref"] and stored_subject:
            fields["subject_ref"] = stored_subject
        fields["fingerprint"] = as_listed
        if fields["outcome"] in DECISIVE_OUTCOMES:
            decisive = fields["outcome"]
        fields["decisive_outcome"] = decisive
        plan.created += pk is None
        plan.rows.append(fields)
        if record.traits:
            plan.traits.append((fields["subject_ref"], record.traits, True))
    # Erased rows and forgotten subjects: only what the law keeps is written.
    return tombstones.screen(account=account, plan=plan, known=known)


def _stored(account: ProviderAccount, external_ids: list[str]) -> list[tuple]:
    """(external id, pk, fingerprint, subject, decisive outcome) of the stored rows.

    Fixed SQL: a re-scan asks this once per page, and the ORM's compiling of a
    hundred-value lookup cost about as much as the query itself.
    """
    if not external_ids:
        return []
    columns = ("external_id", "pk", "fingerprint", "subject_ref", "decisive_outcome")
    meta = Verification._meta
    quote = connection.ops.quote_name
    names = [
        quote(meta.pk.column if name == "pk" else meta.get_field(name).column) for name in columns
    ]
    found, params = found_by(
        table=quote(meta.db_table),
        columns=[*names, quote("account_id")],
        column=quote("external_id"),
        values=external_ids,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"{found} SELECT {', '.join(names)} FROM found WHERE {quote('account_id')} = %s",  # noqa: S608 (names from the model)
            [*params, account.pk],
        )
        return cursor.fetchall()


def write_plan(
    *,
    account: ProviderAccount,
    plan: PagePlan,
    now: datetime,
    written: list[str] | None = None,
    listed: list[int] | None = None,
) -> dict[str, int]:
    """Write a page's plan (nothing if nothing changed); return its counts."""
    written_rows = write_rows(account=account, rows=plan.rows, now=now)
    pks = list(written_rows)
    if plan.traits:  # match keys and automatic links (`idvdash/people`); traits are dropped
        observe_page(account, plan.traits, now)
    if pks:
        new = {pk for pk, created in written_rows.items() if created}
        mirror_written.send(sender=Verification, pks=pks, new=new, now=now)
    if written is not None:
        written.extend(fields["external_id"] for fields in plan.rows)
    if listed is not None:
        listed.extend(pks)
        listed.extend(plan.unchanged)
    changed = len(plan.rows)
    return {
        "created": plan.created,
        "updated": changed - plan.created,
        "unchanged": len(plan.unchanged),
    }


INSERT_FIELDS = ["account", "external_id", *UPDATE_FIELDS, "first_seen_at"]
JSON_FIELDS = {"reason_codes", "levels", "raw"}
DATETIME_FIELDS = {
    "provider_created_at",
    "provider_updated_at",
    "first_seen_at",
    "changed_at",
    "last_synced_at",
    "last_seen_at",
    "erased_at",
}


def write_rows(
    *, account: ProviderAccount, rows: list[dict[str, Any]], now: datetime
) -> dict[int, bool]:
    """Insert or update rows by (account, external_id) in one statement per batch; return
    the ids of the rows written, each with whether this write created it.

    Hand-written because the ORM's bulk_create spends most of its time compiling
    values; INSERT ... ON CONFLICT DO UPDATE reads the same on SQLite and PostgreSQL.

    The provider's times are stored as given, never stood in for. A record without a
    creation time (iDenfy's list) keeps the one a webhook or a live read taught the
    row; without an update time it keeps the stored one while the row's state
    (STATE_FIELDS) is unchanged, and has none once it changed: the provider changed
    the record at a time it did not say. `changed_at` is `now` for a new row and for a
    row whose state changed, and stays as it was otherwise.
    """
    if not rows:
        return {}
    ops = connection.ops
    meta = Verification._meta
    table = ops.quote_name(meta.db_table)
    columns = [meta.get_field(name).column for name in INSERT_FIELDS]
    quoted = [ops.quote_name(column) for column in columns]

    def column(name: str) -> str:
        return ops.quote_name(meta.get_field(name).column)

    same_state = " AND ".join(
        f"{table}.{column(name)} = EXCLUDED.{column(name)}" for name in STATE_FIELDS
    )

    def assignment(name: str) -> str:
        stored, given = f"{table}.{column(name)}", f"EXCLUDED.{column(name)}"
        if name == "provider_created_at":
            return f"{column(name)} = COALESCE({given}, {stored})"
        if name == "provider_updated_at":
            return f"{column(name)} = COALESCE({given}, CASE WHEN {same_state} THEN {stored} END)"
        if name == "changed_at":
            return f"{column(name)} = CASE WHEN {same_state} THEN {stored} ELSE {given} END"
        if name == "erased_at":
            # Set only by retention.tombstones.screen; an erased row stays erased.
            return f"{column(name)} = COALESCE({stored}, {given})"
        # An erased row keeps its personal fields (tombstones.STRIPPED) empty, even when
        # its page was planned before the erasure committed (tombstones.screen).
        erased = f"{table}.{column('erased_at')} IS NOT NULL"
        if name == "subject_ref":
            # A record without one (a list page read before a webhook taught it) never
            # blanks the one the row has.
            return f"{column(name)} = CASE WHEN {erased} OR {given} = '' THEN {stored} ELSE {given} END"
        if name in tombstones.STRIPPED:
            return f"{column(name)} = CASE WHEN {erased} THEN {stored} ELSE {given} END"
        return f"{column(name)} = {given}"

    updates = ", ".join(assignment(name) for name in UPDATE_FIELDS)
    json_encoder = meta.get_field("raw").encoder

    def adapter(name: str) -> Callable[[Any], Any] | None:
        if name in JSON_FIELDS:
            return lambda value: ops.adapt_json_value(value, json_encoder)
        if name in DATETIME_FIELDS:
            return ops.adapt_datetimefield_value
        return None

    # What every row of the call shares, adapted once rather than once per row.
    moment = ops.adapt_datetimefield_value(now)
    shared = {
        "account": account.pk,
        "provider": account.kind,
        **dict.fromkeys(("first_seen_at", "changed_at", "last_synced_at", "last_seen_at"), moment),
    }
    template = [shared.get(name) for name in INSERT_FIELDS]
    # The columns each row fills in itself: (position, name, adapter); erased_at is set
    # only by the tombstones' screen, and is None when absent.
    own = [
        (position, name, adapter(name))
        for position, name in enumerate(INSERT_FIELDS)
        if name not in shared
    ]
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # A row this write created has first_seen_at `now`; one it updated keeps its own.
    created = f"{column('first_seen_at')} = %s"
    written: dict[int, bool] = {}
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start : start + WRITE_BATCH]
        params = []
        for fields in batch:
            row = template.copy()
            for position, name, convert in own:
                value = fields.get(name) if name == "erased_at" else fields[name]
                row[position] = value if convert is None else convert(value)
            params += row
        params.append(moment)
        sql = (
            f"INSERT INTO {table} ({', '.join(quoted)}) "  # noqa: S608
            f"VALUES {', '.join([placeholder] * len(batch))} "
            f"ON CONFLICT ({ops.quote_name('account_id')}, {ops.quote_name('external_id')}) "
            f"DO UPDATE SET {updates} RETURNING {ops.quote_name(meta.pk.column)}, {created}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written.update((pk, bool(new)) for pk, new in cursor.fetchall())
    return written


def fingerprint_of(payload: dict[str, Any]) -> str:
    """Return a stable hash of a provider payload."""
    return hashlib.sha256(_CANONICAL.encode(payload).encode()).hexdigest()


# json.dumps with these arguments, built once rather than once per record.
_CANONICAL = json.JSONEncoder(sort_keys=True, default=str, separators=(",", ":"))


def _finish(
    *, run: SyncRun, client: ProviderClient, checkpoint: dict[str, Any], scan: dict
) -> None:
    account = run.account
    now = timezone.now()
    shrank = scan.get("shrank") or ""
    with transaction.atomic():
        # A complete full scan saw every row the provider still lists.
        full = scan.get("scope", SyncRun.Scope.FULL) == SyncRun.Scope.FULL
        complete = full and not shrank and not scan.get("partial")
        record = Scan.objects.get(pk=scan["id"])
        run.missing = listing.finish(record, now=now, complete=complete) or 0
        if not full and not client.incremental:
            # The newest pages leave where the whole list's walk goes on unchanged.
            checkpoint = (account.sync_checkpoint or {}).get("next") or {}
        account.sync_checkpoint = {"next": checkpoint}
        account.save(update_fields=["sync_checkpoint"])
        run.refresh_from_db(fields=["pages", "created", "updated", "unchanged", "backfilled"])
        run.state = SyncRun.State.SUCCEEDED
        run.finished_at = now
        run.heartbeat_at = now
        run.note = shrank
        run.save(update_fields=["missing", "state", "finished_at", "heartbeat_at", "note"])
    statistics.after_run(created=run.created)
    if shrank:
        log.warning("sync of %s: %s", account.name, shrank)
    log.info(
        "sync of %s succeeded: %d pages, %d created, %d updated, %d unchanged, %d missing, "
        "%d backfilled",
        account.name,
        run.pages,
        run.created,
        run.updated,
        run.unchanged,
        run.missing,
        run.backfilled,
    )


def _fail(run: SyncRun, error: str) -> None:
    run.refresh_from_db(fields=["pages", "created", "updated", "unchanged"])
    run.state = SyncRun.State.FAILED
    run.finished_at = timezone.now()
    run.error = error
    run.save(update_fields=["state", "finished_at", "error"])
    log.warning("sync of %s failed: %s", run.account.name, error)


def _mark_running(run: SyncRun, *, now: datetime) -> None:
    run.state = SyncRun.State.RUNNING
    run.started_at = now
    run.heartbeat_at = now
    run.save(update_fields=["state", "started_at", "heartbeat_at"])


def _refusal(account: ProviderAccount) -> str:
    active = SyncRun.objects.filter(account=account, state__in=SyncRun.ACTIVE_STATES).first()
    if active is None:  # it finished between our insert and this read
        return REFUSED.format(account=account.name, state="running", since=timezone.now())
    since = active.started_at or active.queued_at
    return REFUSED.format(
        account=account.name, state=active.get_state_display().lower(), since=since
    )


def write_live_records(
    *, verification: Verification, records: list[VerificationRecord]
) -> Verification:
    """Write what a live read re-read of one record to the mirror, as a sync would.

    The records go through `upsert_page` (the one write path: same fingerprints, same
    decisive outcome, same times rule); the row is then read back for the page.
    """
    with transaction.atomic():
        upsert_page(
            account=verification.account,
            page=Page(records=records, checkpoint={}),
            now=timezone.now(),
        )
    verification.refresh_from_db(fields=UPDATE_FIELDS)
    return verification


def learn_times(*, learned: dict[int, dict[str, Any]], now: datetime) -> int:
    """Write what the backfill learned of each row (pk -> the provider's times), once.

    A time the row holds already (a webhook or a live read taught it meanwhile) is kept;
    every row read is marked backfilled, with or without times, so none is read twice.
    `changed_at` stays: the verification's state did not change. Returns the rows
    that gained a time.
    """
    gained = 0
    with transaction.atomic():
        for pk, times in learned.items():
            values = {
                name: Coalesce(F(name), Value(times[name]))
                for name in ("provider_created_at", "provider_updated_at")
                if times.get(name) is not None
            }
            gained += bool(values)
            Verification.objects.filter(pk=pk).update(backfilled_at=now, **values)
    return gained


def store_detail_snapshot(
    *, verification: Verification, detail: dict[str, Any], fetched_at: datetime | None = None
) -> Verification:
    """Store a provider's live detail (iDenfy full status) on the row, with its fetch time.

    The detail's own creation and update times fill in what iDenfy's list left unknown
    (`changed_at` stays: the verification's state did not change). Only what changed is written: a reviewer opening the same record again rewrites
    the fetch time, not the whole snapshot (a large JSON value) or the indexed times.
    """
    fresh = {"detail": detail, **normalise.times_from_detail(verification.provider, detail)}
    changes = {name: value for name, value in fresh.items() if getattr(verification, name) != value}
    changes["detail_fetched_at"] = fetched_at or timezone.now()
    for name, value in changes.items():
        setattr(verification, name, value)
    Verification.objects.filter(pk=verification.pk).update(**changes)
    return verification
