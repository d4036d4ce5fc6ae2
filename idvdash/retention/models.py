"""Retention and erasure: what the daily purge removed, whom idvdash forgot, and the
tombstones that keep a forgotten subject from coming back.

None of these rows holds personal data: counts, times, who acted and why (the reason
an admin typed, which its form warns must not name the person), and keyed hashes.
"""

from django.conf import settings
from django.db import models

from idvdash.people.models import Person
from idvdash.providers.models import ProviderAccount


class PurgeRun(models.Model):
    """One run of the daily purge: what each kind of data lost, and any step that failed."""

    # The UTC day a scheduled run belongs to: unique, so several schedulers queue it once.
    day = models.DateField(null=True, blank=True, unique=True)
    trigger = models.CharField(max_length=16)  # "schedule" or "command"
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {kind: rows removed or reduced}, one entry per step that succeeded.
    counts = models.JSONField(default=dict, blank=True)
    # {kind: what went wrong}, one entry per step that failed (the others still ran).
    errors = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"Purge {self.queued_at:%Y-%m-%d %H:%M} ({self.trigger})"

    @property
    def succeeded(self) -> bool:
        return self.finished_at is not None and not self.errors


class Erasure(models.Model):
    """One "forget this person" (or one subject): who asked, when, why, and what went."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="erasures"
    )
    reason = models.TextField(
        help_text=(
            "Why the person is forgotten, e.g. the request's ticket number or the legal "
            "ground. Do not write the person's name or any other personal data here: "
            "this record is kept."
        )
    )
    subjects = models.PositiveIntegerField(default=0)
    verifications = models.PositiveIntegerField(default=0)
    # {what: how many}: snapshots, webhook events, match keys, notes, link reasons...
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        permissions = [("forget_person", "Can forget a person (erasure on request)")]

    def __str__(self) -> str:
        return f"Erasure {self.pk} at {self.at:%Y-%m-%d %H:%M}"


class Tombstone(models.Model):
    """A forgotten subject, as a keyed hash of its provider reference (`tombstones.py`).

    The reference itself is personal and is gone; the hash lets a sync, a webhook or the
    people code recognise the subject when a provider names it again, and write only
    what the law keeps.
    """

    account = models.ForeignKey(ProviderAccount, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64)
    erasure = models.ForeignKey(
        Erasure, null=True, blank=True, on_delete=models.SET_NULL, related_name="tombstones"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "digest"], name="tombstone_unique"),
        ]

    def __str__(self) -> str:
        return f"Tombstone {self.pk} in {self.account_id}"
