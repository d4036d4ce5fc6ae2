"""Webhooks: receive, store, answer; then process through the sync's one write path.

Receiving (`receive`) never calls a provider and never writes the mirror: it checks
the delivery (size, account, secret, signature, shape), stores a WebhookEvent, and
only then answers 2xx. The first event of a burst queues one drain task for its
account (`drains`); the drain (`processing`) claims the account's events a batch at a
time, the provider's reader says which records each teaches (from the notice itself,
or re-read from the provider), and `sync.upsert_page` writes each batch's newest
records, as it writes every page of a sync.

Idempotent and ordered: a delivery whose provider key was seen before for the account
is answered 2xx and changes nothing; a record older than what the mirror holds
(provider times decide; a preliminary iDenfy result never replaces a final one) is
not written.
"""

from .processing import (
    LEASE,
    MAX_ATTEMPTS,
    ClientOnDemand,
    drain,
    process,
    process_due,
    queue_due,
)
from .receive import DUPLICATE, STORED, Reply, forget_accounts, receive, receiving_account, store

__all__ = [
    "DUPLICATE",
    "LEASE",
    "MAX_ATTEMPTS",
    "STORED",
    "ClientOnDemand",
    "Reply",
    "drain",
    "forget_accounts",
    "process",
    "process_due",
    "queue_due",
    "receive",
    "receiving_account",
    "store",
]
