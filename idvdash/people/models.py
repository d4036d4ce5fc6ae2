"""A person in idvdash: the provider subjects that are one human being.

A `Subject` is one provider's id for a person in one account (iDenfy's clientId, an
Equals associatedPersonId, a Swan user id, a Stora contact id): the mirror's
`(account, subject_ref)`. A `Person` groups subjects; a subject belongs to at most one.
Links are made automatically only where the data proves it (the partner's own customer
reference, exactly), suggested where match keys only suggest it, and by hand; every
link and unlink is a `LinkEvent`. `SubjectKey` rows are keyed hashes (`keys.py`),
never the values.
"""

from django.conf import settings
from django.db import models

from idvdash.providers.models import ProviderAccount
from idvdash.providers.registry import ProviderKind


class Person(models.Model):
    """One human being, as far as idvdash has linked their provider subjects."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"Person {self.pk}"


class Subject(models.Model):
    """One provider's id for a person, in one account."""

    class LinkedBy(models.TextChoices):
        CUSTOMER_REF = "customer_ref", "Same customer reference (automatic)"
        REVIEWER = "reviewer", "Linked by a reviewer"

    account = models.ForeignKey(ProviderAccount, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(max_length=16, choices=ProviderKind.choices)
    ref = models.CharField(max_length=255)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="subjects"
    )
    linked_by = models.CharField(max_length=16, choices=LinkedBy.choices, blank=True)
    linked_at = models.DateTimeField(null=True, blank=True)
    # False once a reviewer unlinked the subject: idvdash never links it again on its
    # own (the unlink's LinkEvent says who and why); a reviewer still may.
    auto_link = models.BooleanField(default=True)
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "ref"], name="subject_unique_per_account"),
        ]
        indexes = [models.Index(fields=["ref"], name="subject_ref")]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.ref}"


class SubjectKey(models.Model):
    """A keyed hash of one personal fact a provider gave about a subject (`keys.py`)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=16)
    key_id = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "kind", "key_id", "digest"], name="subjectkey_unique"
            ),
        ]
        indexes = [models.Index(fields=["kind", "key_id", "digest"], name="subjectkey_lookup")]

    def __str__(self) -> str:
        return f"{self.subject} {self.kind}"


class LinkEvent(models.Model):
    """Audit of linking: who (or which rule) linked or unlinked a subject, and why."""

    class Action(models.TextChoices):
        LINK = "link", "Linked"
        UNLINK = "unlink", "Unlinked"

    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="events")
    subject = models.ForeignKey(
        Subject, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    # None: idvdash linked automatically (`rule` says on what).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(max_length=16, blank=True)
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_id} -> {self.person_id}"


class PersonView(models.Model):
    """Audit: a reviewer opened a person's page, which shows the records listed here.

    One row per view rather than one AccessEvent per record: the page shows every
    verification of every linked subject at once, and an AccessEvent names a single
    record. `shown` keeps the ids of the verifications on the page, so "who saw record
    X" is answered from both tables. Holds no personal data.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="views")
    shown = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} viewed person {self.person_id} {self.at:%Y-%m-%d %H:%M}"
