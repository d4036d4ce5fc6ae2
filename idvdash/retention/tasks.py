"""The purge as background work (the same task queue as syncs)."""

from django.tasks import task
from django.utils import timezone

from . import purge
from .models import PurgeRun


@task
def run_purge(purge_id: int) -> str:
    """Run a queued purge once; "skipped" if it already started (a repeated task)."""
    claimed = PurgeRun.objects.filter(pk=purge_id, started_at=None).update(
        started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    done = purge.run(purge=PurgeRun.objects.get(pk=purge_id))
    return "failed: " + ", ".join(done.errors) if done.errors else "done"
