"""Case work: idvdash's own review beside each provider outcome, and its history.

A verification without a Review row is an open, unassigned case: reviews are written
when someone acts, so a million mirrored rows need no million review rows. The
provider's outcome is never touched here; the review is a record beside it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from idvdash.providers.outcomes import Outcome
from idvdash.verifications.models import Verification

APPEND_ONLY = "The activity timeline is append-only: an entry is never changed or deleted."


class Tag(models.Model):
    """A team tag, maintained by admins, that reviewers put on cases."""

    name = models.CharField(max_length=40, unique=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DecisionCategory(models.Model):
    """Why a case was closed the way it was (admins maintain the list)."""

    name = models.CharField(max_length=80, unique=True)
    active = models.BooleanField(default=True, help_text="Offered when closing a case.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "decision categories"

    def __str__(self) -> str:
        return self.name


class ServiceLevel(models.Model):
    """How long a case with this provider outcome may wait; such cases form the queue."""

    outcome = models.CharField(max_length=16, choices=Outcome.choices, unique=True)
    hours = models.PositiveIntegerField(
        validators=[MinValueValidator(1)],
        help_text="Time allowed from idvdash seeing this outcome to the case being closed.",
    )

    class Meta:
        ordering = ["hours", "outcome"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.hours} h"


class Review(models.Model):
    """The review of one verification: its state, who works it, and what was decided."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        ESCALATED = "escalated", "Escalated"
        AWAITING_APPROVAL = "awaiting", "Waiting for approval"
        CLOSED = "closed", "Closed"

    class Decision(models.TextChoices):
        CLEARED = "cleared", "Cleared"
        ACTIONED = "actioned", "Actioned"

    verification = models.OneToOneField(
        Verification, primary_key=True, on_delete=models.PROTECT, related_name="review"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reviews",
    )
    # Bumped by every change of state, assignee or proposal: a form carries the
    # version it was drawn from, and a stale one is refused (services.Conflict).
    version = models.PositiveIntegerField(default=0)
    # A proposal to close, waiting for a second person (four-eyes) or already decided.
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    category = models.ForeignKey(
        DecisionCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="reviews")
    has_notes = models.BooleanField(default=False)
    # The provider state this review last took account of (provider_changes.follow).
    provider_seen_at = models.DateTimeField(null=True, blank=True)
    seen_outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    ACTIVE_STATES = (State.IN_PROGRESS, State.ESCALATED, State.AWAITING_APPROVAL)

    class Meta:
        permissions = [
            ("work_review", "Can work cases and propose decisions"),
            ("approve_review", "Can approve decisions, reassign cases and handle escalations"),
        ]
        indexes = [
            models.Index(
                fields=["assignee", "state"],
                condition=~models.Q(state="closed"),
                name="review_assignee_open",
            ),
            models.Index(
                fields=["state"],
                condition=models.Q(state__in=["escalated", "awaiting", "open"]),
                name="review_queue_state",
            ),
            # The escalated and approval queues (state = x): SQLite uses a partial index
            # only when the query repeats its condition, so the queues need a plain one.
            models.Index(fields=["state", "assignee"], name="review_state"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.verification_id} ({self.state})"


class ActivityQuerySet(models.QuerySet):
    """Reads and inserts only: an update or delete through the ORM is refused."""

    def update(self, **kwargs):
        raise ValidationError(APPEND_ONLY)

    def delete(self):
        raise ValidationError(APPEND_ONLY)

    def bulk_update(self, *args, **kwargs):
        raise ValidationError(APPEND_ONLY)

    def timeline(self, verification_id: int):
        return self.filter(verification_id=verification_id).select_related("actor", "other")


class Activity(models.Model):
    """One entry of a case's timeline. Append-only: see `save`, `delete` and the triggers
    of migration 0002, which refuse a change even from raw SQL."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned"
        UNASSIGNED = "unassigned", "Unassigned"
        NOTE = "note", "Note"
        TAGGED = "tagged", "Tag added"
        UNTAGGED = "untagged", "Tag removed"
        ESCALATED = "escalated", "Escalated"
        PROPOSED = "proposed", "Proposed closing"
        WITHDRAWN = "withdrawn", "Proposal withdrawn"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CLOSED = "closed", "Closed"
        REOPENED = "reopened", "Reopened"
        PROVIDER_CHANGE = "provider", "Provider change"

    verification = models.ForeignKey(
        Verification, on_delete=models.PROTECT, related_name="activities", db_index=False
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # None for idvdash itself (a provider change, a reopening).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Whom an assignment was to, or whose proposal was approved or rejected.
    other = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    # A note's text, or the written reason of an escalation, proposal or rejection.
    text = models.TextField(blank=True)
    # What changed, in words built from names that may later change: the state before
    # and after, a decision and its category, a tag, the provider's outcomes.
    details = models.JSONField(default=dict, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["verification", "at", "id"], name="activity_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.verification_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(APPEND_ONLY)


class SavedView(models.Model):
    """A reviewer's named set of list filters; an admin may share one with everyone."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(max_length=60)
    # The list's query string (validated by the list form again on every use).
    query = models.CharField(max_length=2000, blank=True)
    shared = models.BooleanField(default=False, help_text="Shown to every reviewer.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedview_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
