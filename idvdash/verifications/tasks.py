"""Background work, through Django's tasks framework (a database queue by default)."""

from django.tasks import task

from . import sync, webhooks


@task
def run_sync(run_id: int) -> str:
    """Run a queued sync; return its final state ("skipped" if it was no longer queued)."""
    run = sync.claim_queued(run_id=run_id)
    if run is None:
        return "skipped"
    return sync.execute(run=run).state


@task
def drain_webhooks(account_id: int) -> str:
    """Process an account's due webhook events until none is due; say how many."""
    ok, failed = webhooks.drain(account_id=account_id)
    return f"{ok} processed, {failed} failed"


@task
def process_webhook(event_id: int) -> str:
    """Process one stored webhook event (queued per event before drains; still honoured)."""
    return webhooks.process(event_id=event_id)
