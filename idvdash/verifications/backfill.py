"""Learning what a provider's list leaves out, paced within a share of its budget.

iDenfy's list gives no times. Webhooks teach them for every identification that
changes, and a reviewer's live read for the one opened; for the rest, the backfill
reads each record once (`Provider.backfill`: iDenfy's full status), newest first, and
keeps only the times. It runs at the end of a sync, for at most `BACKFILL_SECONDS`,
with `Priority.BACKFILL`: it waits for the budget two seconds at most and may use
only `BACKFILL_SHARE` of it, so syncs and reviewers always find requests left. What it
does not reach goes on with the next sync.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from idvdash.providers.errors import ProviderError, ProviderResponseError
from idvdash.providers.models import ProviderAccount
from idvdash.providers.ratelimit import BudgetSpent, Priority, backfill_share
from idvdash.providers.registry import PROVIDERS, client_for

from . import sync
from .models import Verification

log = logging.getLogger(__name__)

BATCH = 50
BUDGET_SPENT = "its share of the request budget is used up for now"


@dataclass(frozen=True, slots=True)
class Result:
    read: int = 0
    gained: int = 0
    stopped: str = ""  # why it stopped before the queue was empty ("" if it was, or time ran out)


def due(account: ProviderAccount) -> QuerySet[Verification]:
    """The rows still to read: no provider time, never backfilled; newest first."""
    return Verification.objects.filter(
        account=account, provider_updated_at=None, backfilled_at=None
    ).order_by("-first_seen_at", "id")


def run(
    *,
    account: ProviderAccount,
    seconds: float | None = None,
    progress: Callable[[int], None] = lambda read: None,
) -> Result:
    """Read what the list left out of the account's rows for up to `seconds`."""
    learn = PROVIDERS[account.kind].backfill if account.kind in PROVIDERS else None
    seconds = settings.BACKFILL_SECONDS if seconds is None else seconds
    if learn is None or seconds <= 0 or backfill_share() <= 0:
        return Result()
    deadline = time.monotonic() + seconds
    read = gained = 0
    stopped = ""
    client = client_for(account, priority=Priority.BACKFILL)
    try:
        while not stopped and time.monotonic() < deadline:
            batch = list(due(account).values_list("pk", "external_id")[:BATCH])
            if not batch:
                break
            learned: dict[int, dict] = {}
            for pk, external_id in batch:
                if time.monotonic() >= deadline:
                    break
                try:
                    learned[pk] = learn(client, external_id)
                except BudgetSpent:
                    stopped = BUDGET_SPENT
                    break
                except ProviderResponseError:
                    learned[pk] = {}  # this record cannot be read (gone, say): not again
                except ProviderError as err:
                    stopped = str(err)
                    break
            if learned:
                gained += sync.learn_times(learned=learned, now=timezone.now())
                read += len(learned)
                progress(read)
    finally:
        client.close()
    if stopped:
        log.info("backfill of %s stopped after %d records: %s", account.name, read, stopped)
    return Result(read=read, gained=gained, stopped=stopped)
