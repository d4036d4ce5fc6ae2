"""Benchmark the sync service against baselines measured in the same run.

- sync wall time ÷ the time to merely fetch and parse the same pages (and the
  same per-record enrichment calls) with the same client: the cost of our DB work;
- upsert throughput ÷ a hand-written bulk INSERT of the same rows;
- peak Python memory of a sync of N rows ÷ a sync of N/10 rows (flat memory).
"""

import json
import tracemalloc
from datetime import UTC, datetime
from functools import partial

from django.db import connection
from django.utils import timezone

from idvdash.providers.base import Page, VerificationRecord
from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import client_for
from idvdash.sandbox.credentials import SANDBOX_CREDENTIALS
from idvdash.verifications import normalise, sync
from idvdash.verifications.models import Verification
from tools.demo import SANDBOX_PATHS
from tools.processes import sandbox_process

from .harness import Figure, ratio_figure, timed

UPSERT_TARGET = {"postgresql": 0.6, "sqlite": 0.15}
UPSERT_PAGE = 100


def make_account(*, name: str, kind: str, root: str) -> ProviderAccount:
    base_path, token_path = SANDBOX_PATHS[kind]
    return ProviderAccount.objects.create(
        name=name,
        kind=kind,
        base_url=root + base_path,
        token_url=root + token_path if token_path else "",
        credentials=dict(SANDBOX_CREDENTIALS[kind]),
    )


def fetch_only(account: ProviderAccount) -> list[VerificationRecord]:
    """Walk the provider as the sync does (pages and enrichment), writing nothing."""
    client = client_for(account)
    try:
        return [
            record if record.subject_ref else client.enrich(record)
            for page in client.iter_pages()
            for record in page.records
        ]
    finally:
        client.close()


def raw_insert(account: ProviderAccount, records: list[VerificationRecord]) -> None:
    """The baseline: one hand-written multi-row INSERT per page of the same rows."""
    now = timezone.now()
    columns = (
        "account_id, provider, external_id, subject_ref, outcome, raw_status, decisive_outcome, "
        "suspected, reason_codes, levels, process, provider_created_at, provider_updated_at, "
        "first_seen_at, changed_at, last_synced_at, last_seen_at, raw, fingerprint"
    )
    table = connection.ops.quote_name(Verification._meta.db_table)
    placeholders = "(" + ", ".join(["%s"] * 19) + ")"
    rows = []
    for record in records:
        f = normalise.to_fields(account.kind, record)
        rows.append(
            (
                account.pk,
                account.kind,
                f["external_id"],
                f["subject_ref"],
                f["outcome"],
                f["raw_status"],
                "",
                f["suspected"],
                json.dumps(f["reason_codes"]),
                json.dumps(f["levels"]),
                f["process"],
                f["provider_created_at"],
                f["provider_updated_at"],
                now,
                now,
                now,
                now,
                json.dumps(f["raw"], default=str),
                sync.fingerprint_of(record.payload),
            )
        )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_PAGE):
            chunk = rows[start : start + UPSERT_PAGE]
            values = ", ".join([placeholders] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",  # noqa: S608
                [value for row in chunk for value in row],
            )


def upsert_all(account: ProviderAccount, records: list[VerificationRecord]) -> None:
    now = timezone.now()
    for start in range(0, len(records), UPSERT_PAGE):
        sync.upsert_page(
            account=account, page=Page(records[start : start + UPSERT_PAGE], {}), now=now
        )


def run_sync_figures(*, kinds: list[str], rows: int) -> list[Figure]:
    figures = []
    vendor = connection.vendor
    with sandbox_process(size=rows) as root:
        for kind in kinds:
            account = make_account(name=f"bench-{kind}", kind=kind, root=root)
            fetch_seconds, records = timed(partial(fetch_only, account))
            sync_seconds, run = timed(partial(sync.sync_account, account=account))
            figures.append(
                ratio_figure(
                    f"{kind}: sync ÷ fetch+parse ({len(records)} rows)",
                    measured=sync_seconds,
                    baseline=fetch_seconds,
                    at_most=2.0,
                    note="" if run.state == "succeeded" else f"sync {run.state}: {run.error}",
                )
            )
            upsert_into = make_account(name=f"bench-{kind}-upsert", kind=kind, root=root)
            upsert_seconds, _ = timed(partial(upsert_all, upsert_into, records))
            raw_into = make_account(name=f"bench-{kind}-raw", kind=kind, root=root)
            raw_seconds, _ = timed(partial(raw_insert, raw_into, records))
            figures.append(
                ratio_figure(
                    f"{kind}: upsert rows/s ÷ raw INSERT rows/s",
                    measured=len(records) / upsert_seconds,
                    baseline=len(records) / raw_seconds,
                    at_least=UPSERT_TARGET.get(vendor, 0.15),
                    unit="rows/s",
                )
            )
    return figures


def peak_memory_of_sync(*, kind: str, rows: int) -> float:
    """Peak traced Python memory (MiB) of one sync of `rows` verifications."""
    with sandbox_process(size=rows) as root:
        account = make_account(name=f"bench-mem-{kind}-{rows}", kind=kind, root=root)
        tracemalloc.start()
        try:
            sync.sync_account(account=account)
            return tracemalloc.get_traced_memory()[1] / 2**20
        finally:
            tracemalloc.stop()


def run_memory_figure(*, kind: str, rows: int) -> Figure:
    small = peak_memory_of_sync(kind=kind, rows=max(rows // 10, 1))
    large = peak_memory_of_sync(kind=kind, rows=rows)
    return ratio_figure(
        f"{kind}: peak memory {rows} rows ÷ {max(rows // 10, 1)} rows",
        measured=large,
        baseline=small,
        at_most=1.2,
        unit="MiB",
    )


def context(rows: int) -> dict:
    return {"rows": rows, "database": connection.vendor, "at": datetime.now(UTC).isoformat()}
