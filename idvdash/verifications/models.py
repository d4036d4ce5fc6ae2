from django.conf import settings
from django.db import models

from idvdash.providers.models import ProviderAccount
from idvdash.providers.outcomes import Outcome
from idvdash.providers.registry import PROVIDERS, ProviderKind

from .querysets import SyncRunQuerySet, VerificationQuerySet, WebhookEventQuerySet

__all__ = ["AccessEvent", "Outcome", "SyncRun", "Verification", "WebhookEvent"]


class Verification(models.Model):
    """One provider verification, as last mirrored. Written only by the sync service."""

    account = models.ForeignKey(
        ProviderAccount, on_delete=models.PROTECT, related_name="verifications"
    )
    # The account's kind, copied so provider filters walk one index without a join.
    provider = models.CharField(max_length=16, choices=ProviderKind.choices)
    external_id = models.CharField(max_length=255)
    # The provider's client / contact / applicant / user id: one person across providers.
    subject_ref = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.UNKNOWN)
    raw_status = models.CharField(max_length=64, blank=True)
    # The last approved / declined / suspected outcome the row had, so a decision
    # stays visible after the provider deletes or archives the verification.
    decisive_outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    suspected = models.BooleanField(default=False)
    reason_codes = models.JSONField(default=list, blank=True)
    # Swan: {"expert": {"status", "reasons", "expiredAt"}, "qes": {...}, "pvid": {...}}.
    levels = models.JSONField(default=dict, blank=True)
    process = models.CharField(max_length=64, blank=True)
    # The provider's own times, exactly as it gave them; NULL where it gave none
    # (iDenfy's list: a webhook or a live read learns them). Shown, never sorted on.
    provider_created_at = models.DateTimeField(null=True, blank=True)
    provider_updated_at = models.DateTimeField(null=True, blank=True)
    # idvdash's own times, which every row has: the list sorts and filters on these.
    first_seen_at = models.DateTimeField(auto_now_add=True)
    # When the mirror first held the row or last saw its status, outcome, suspicion,
    # reasons, levels or process change (sync.write_rows).
    changed_at = models.DateTimeField()
    last_synced_at = models.DateTimeField()
    # The last sync that saw the row at the provider; older than last_synced_at
    # of its account means the provider no longer lists it.
    last_seen_at = models.DateTimeField()
    raw = models.JSONField(default=dict)
    # sha256 of the payload exactly as the provider listed it (sync.fingerprint_of,
    # before enrichment or normalising): a full scan finds unchanged rows without
    # loading their payloads.
    fingerprint = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(null=True, blank=True)
    detail_fetched_at = models.DateTimeField(null=True, blank=True)
    # When the backfill read what the provider's list leaves out (`backfill.py`), once.
    backfilled_at = models.DateTimeField(null=True, blank=True)
    # When idvdash removed every personal field of the row, keeping the bare record
    # (outcome, decision, times): a person forgotten on request, or the retention of
    # rows the provider no longer lists (`idvdash/retention/`). Never cleared: a later
    # sync, webhook or live read of the row writes only what the law keeps.
    erased_at = models.DateTimeField(null=True, blank=True)
    erased_by_retention = models.BooleanField(default=False, db_default=False)

    objects = VerificationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="verification_unique_per_account"
            ),
        ]
        indexes = [
            # The backfill's queue: rows with no provider time it has not read, newest first.
            models.Index(
                fields=["account", "-first_seen_at", "id"],
                condition=models.Q(provider_updated_at=None, backfilled_at=None),
                name="verif_backfill_due",
            ),
            # Every list ordering ends on id, so keyset pages are stable; each filter
            # has an index per sort column, so no list page sorts rows itself.
            models.Index(fields=["-changed_at", "-id"], name="verif_changed"),
            models.Index(fields=["-first_seen_at", "-id"], name="verif_seen"),
            models.Index(fields=["provider", "-changed_at", "-id"], name="verif_prov_chg"),
            models.Index(fields=["account", "-changed_at", "-id"], name="verif_acct_chg"),
            models.Index(fields=["outcome", "-changed_at", "-id"], name="verif_outc_chg"),
            models.Index(fields=["suspected", "-changed_at", "-id"], name="verif_susp_chg"),
            models.Index(fields=["provider", "-first_seen_at", "-id"], name="verif_prov_seen"),
            models.Index(fields=["account", "-first_seen_at", "-id"], name="verif_acct_seen"),
            models.Index(fields=["outcome", "-first_seen_at", "-id"], name="verif_outc_seen"),
            models.Index(fields=["suspected", "-first_seen_at", "-id"], name="verif_susp_seen"),
            models.Index(fields=["external_id"], name="verif_external_id"),
            # One person's rows, in either order (also the detail page's "same person").
            models.Index(fields=["subject_ref", "-changed_at", "-id"], name="verif_subj_chg"),
            models.Index(fields=["subject_ref", "-first_seen_at", "-id"], name="verif_subj_seen"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.external_id}"


class SyncRun(models.Model):
    """One attempt to bring an account's mirror up to date."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Scope(models.TextChoices):
        FULL = "full", "Whole list"
        RECENT = "recent", "Newest pages / changes since the last sync"

    account = models.ForeignKey(ProviderAccount, on_delete=models.CASCADE, related_name="sync_runs")
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    trigger = models.CharField(max_length=32, blank=True)
    # What the run reads: the whole list, or (between full scans) its newest pages, or
    # for a provider read incrementally what changed since its last sync.
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.FULL)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written after every page; a running sync without one for a while has died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    # Rows the provider no longer lists (after a complete full scan).
    missing = models.PositiveIntegerField(default=0)
    backfilled = models.PositiveIntegerField(
        default=0, help_text="Records whose missing facts the backfill read."
    )
    resumed = models.BooleanField(default=False, help_text="Continued an interrupted sync.")
    error = models.TextField(blank=True)
    note = models.TextField(
        blank=True, help_text="What a reviewer should know about a run that succeeded."
    )
    queued_at = models.DateTimeField(auto_now_add=True)

    objects = SyncRunQuerySet.as_manager()

    ACTIVE_STATES = (State.QUEUED, State.RUNNING)

    class Meta:
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["account", "-queued_at"], name="syncrun_account_recent")]
        constraints = [
            # One sync per account at a time, enforced by the database itself.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(state__in=["queued", "running"]),
                name="syncrun_one_active_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.state} {self.queued_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None

    @property
    def reads(self) -> str:
        """What the run reads, in words: "the whole list", "the newest pages", or for a
        provider read incrementally "changes since the last sync"."""
        if self.scope == self.Scope.FULL:
            return "the whole list"
        known = PROVIDERS.get(self.account.kind)
        if known is not None and known.client.incremental:
            return "changes since the last sync"
        return "the newest pages"


class AccessEvent(models.Model):
    """Audit: who looked at what, and when. Holds no personal data of the subject."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed detail"
        FULL_STATUS = "full_status", "Fetched live status"
        DATA = "data", "Fetched document data"
        FILES = "files", "Fetched file links"
        EXPORT = "export", "Exported list"
        REVIEW = "review", "Worked the case"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    verification = models.ForeignKey(
        Verification, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    rows = models.PositiveIntegerField(null=True, blank=True, help_text="Rows in an export.")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Scan(models.Model):
    """One walk of an account's list at the provider, and which mirror rows it listed.

    What a scan listed is kept here, as a compressed bitmap of row ids (`listing.py`),
    not as a "last seen" stamp on every row: a re-scan in which nothing changed writes
    no row of the mirror. A complete scan (a full list, read without it shrinking)
    counts the rows it did not list as missing; the newest scans answer when a row was
    last listed by the provider.
    """

    account = models.ForeignKey(ProviderAccount, on_delete=models.CASCADE, related_name="scans")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    complete = models.BooleanField(
        default=False, help_text="Read the provider's whole list: unlisted rows are missing."
    )
    rows = models.PositiveIntegerField(default=0, help_text="Mirror rows the scan listed.")
    listed = models.BinaryField(default=b"", editable=False)

    class Meta:
        indexes = [models.Index(fields=["account", "-finished_at"], name="scan_account_recent")]

    def __str__(self) -> str:
        return f"{self.account} scan {self.started_at:%Y-%m-%d %H:%M}"


class ScanPage(models.Model):
    """The row ids one page of an unfinished scan listed; folded into the scan at its end.

    Written with the page, in the page's transaction, so a resumed scan knows what the
    interrupted one listed.
    """

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="pages")
    listed = models.BinaryField()

    def __str__(self) -> str:
        return f"page {self.pk} of {self.scan}"


class WebhookEvent(models.Model):
    """One webhook delivery, stored before it is answered and processed after.

    Holds what the provider's notice says in the mirror's own terms (ids, statuses,
    codes, times: `facts`), never the delivery's body: names and document data that
    a provider pushes are not kept. Unique per account and provider key, so a repeated
    delivery is recognised and changes nothing.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    account = models.ForeignKey(
        ProviderAccount, on_delete=models.PROTECT, related_name="webhook_events"
    )
    key = models.CharField(max_length=255, help_text="The provider's idempotency key.")
    event_type = models.CharField(max_length=64)
    # The record the event is about (for Swan: the user), in the provider's own id.
    reference = models.CharField(max_length=255, blank=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker may (next) take the event; a claimed event holds it for a lease.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    changed = models.ManyToManyField(Verification, related_name="webhook_events", blank=True)

    objects = WebhookEventQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="webhookevent_unique_key"),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhook_due"),
            models.Index(fields=["account", "-received_at"], name="webhook_account_recent"),
            # A drain's claim: an account's unfinished events, oldest first.
            models.Index(
                fields=["account", "received_at", "id"],
                condition=~models.Q(state="processed"),
                name="webhook_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.event_type} {self.received_at:%Y-%m-%d %H:%M}"


class WebhookDrain(models.Model):
    """An account whose stored events wait for a drain task that is queued, not started.

    The receiver queues a drain only when it creates this row, so a burst of deliveries
    queues one task, not one per event; the drain deletes the row as it starts, and a
    delivery stored after that queues the next.
    """

    account = models.OneToOneField(
        ProviderAccount, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    queued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.account} queued {self.queued_at:%Y-%m-%d %H:%M:%S}"
