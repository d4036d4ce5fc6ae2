"""Daily figures of the mirror, kept by the database itself, so the Overview never scans it.

Every row of the mirror is counted once in DailyFigure, on the UTC day the provider
says it created the verification, or on UNKNOWN_DAY while the provider has given no
creation time (iDenfy's list gives none until a webhook, a live read or the backfill
does). ReasonFigure counts, per day and code, the records carrying that code, and
VerificationReason holds each record's codes for the list's reason filter.

Triggers on the verification table (migration 0002) keep all three equal to a count
of the mirror after every insert, update and delete, whoever writes: the sync's
write path, the backfill, a live read, a deletion or later retention work. See
`triggers.py`.
"""

from datetime import date

from django.db import models

from idvdash.providers.models import ProviderAccount
from idvdash.verifications.models import Verification

# The day of the records whose provider gave no creation time (a key needs a value:
# NULL is never equal to NULL in a unique constraint). Never shown as a date.
UNKNOWN_DAY = date(1, 1, 1)


class DailyFigure(models.Model):
    """How many mirrored verifications were created at the provider on one UTC day, per
    account and outcome (as the mirror holds them now)."""

    day = models.DateField(help_text="The provider's creation day (UTC); 0001-01-01: not given.")
    account = models.ForeignKey(ProviderAccount, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=16)
    outcome = models.CharField(max_length=16)
    records = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "account", "outcome"], name="dailyfigure_key")
        ]
        indexes = [
            # The charts read a range of days, summed by provider and outcome: covered.
            models.Index(fields=["day", "provider", "outcome", "records"], name="dailyfigure_read"),
            # The backlog reads one outcome at every age.
            models.Index(fields=["outcome", "day", "records"], name="dailyfigure_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.account_id} {self.outcome}: {self.records}"


class ReasonFigure(models.Model):
    """How many mirrored verifications created at the provider on one UTC day carry a
    reason / tag code, per account."""

    day = models.DateField()
    account = models.ForeignKey(ProviderAccount, on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=16)
    code = models.TextField()
    records = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "account", "code"], name="reasonfigure_key")
        ]
        # The top reasons read a range of days, summed by provider and code: covered.
        indexes = [
            models.Index(fields=["day", "provider", "code", "records"], name="reasonfigure_read")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.account_id} {self.code}: {self.records}"


class VerificationReason(models.Model):
    """One code one mirrored verification carries: the list's reason filter reads these.

    No foreign key constraint and no ORM cascade: the triggers delete a record's codes
    with it, whatever deletes it.
    """

    verification = models.ForeignKey(
        Verification, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    code = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["verification", "code"], name="verifreason_unique")
        ]
        indexes = [models.Index(fields=["code", "verification"], name="verifreason_code")]

    def __str__(self) -> str:
        return f"{self.verification_id} {self.code}"


class FiguresChange(models.Model):
    """The figures' version: the sum of `changes` grows with every committed write that
    moves a figure, so an unchanged sum means unchanged figures (see `version.py`).

    Written by the same triggers as the figures. On SQLite (one writer at a time) it is
    one row, counted up; on PostgreSQL each writing statement appends a row once (a
    shared row would make concurrent writers wait on each other), and `version.compact`
    folds the rows into one, keeping the sum.
    """

    id = models.BigAutoField(primary_key=True)
    changes = models.BigIntegerField(default=1)

    def __str__(self) -> str:
        return f"{self.changes} change(s)"
